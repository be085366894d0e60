package io.kaleem.api.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.messaging.OutboxEvent;
import io.kaleem.api.orders.OrdersAccess;
import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.CommerceFixtures;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.Tokens;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Issue 16 item 4: PENDING reservations expire, and one customer's pending units are capped. */
@ApiTest
class ReservationExpiryTest {

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;
  @Autowired Tokens tokens;
  @Autowired ApplicationContext context;

  @Test
  void anUnpaidOrderIsCancelledAfterItsReservationTimeAndItsStockReturns() {
    RuleSupport r = new RuleSupport(http);
    Fixtures f = new Fixtures(http, mongo);
    CommerceFixtures c = new CommerceFixtures(http, mongo);
    String m = f.merchant();
    String product = (String) f.product(m, "EXP-1", "10.00", 10).get("id");
    Tokens.Issued customer = tokens.customer();
    String orders = "/api/v1/merchants/" + m + "/orders";
    String stale =
        (String)
            RuleSupport.json(
                    r.call(
                        HttpMethod.POST,
                        orders,
                        RuleSupport.order(customer.userId(), product, 4),
                        customer.bearer()),
                    201)
                .get("id");
    String fresh =
        (String)
            RuleSupport.json(
                    r.call(
                        HttpMethod.POST,
                        orders,
                        RuleSupport.order(customer.userId(), product, 3),
                        customer.bearer()),
                    201)
                .get("id");
    assertThat(c.stock(product)).isEqualTo(3);
    // Placed longer ago than the reservation time (kaleem.orders.pending-ttl, 30 min).
    mongo
        .updateFirst(
            new Query(Criteria.where("_id").is(new ObjectId(stale))),
            new Update().set("createdAt", Date.from(Instant.now().minus(Duration.ofHours(1)))),
            "orders")
        .block();

    assertThat(OrdersAccess.sweepExpired(context)).isGreaterThanOrEqualTo(1);

    assertThat(status(stale)).isEqualTo("CANCELLED");
    assertThat(status(fresh)).isEqualTo("PENDING");
    assertThat(c.stock(product)).isEqualTo(7);
    assertThat(
            mongo
                .exists(
                    new Query(
                        Criteria.where("aggregate")
                            .is("order:" + stale)
                            .and("type")
                            .is("order.cancelled")),
                    OutboxEvent.class)
                .block())
        .as("order.cancelled recorded in the outbox")
        .isTrue();
    // A second sweep finds nothing more to cancel for it: the stock came back once.
    OrdersAccess.sweepExpired(context);
    assertThat(c.stock(product)).isEqualTo(7);
  }

  @Test
  void oneCustomersPendingUnitsOfAProductAreCapped() {
    RuleSupport r = new RuleSupport(http);
    Fixtures f = new Fixtures(http, mongo);
    String m = f.merchant();
    String product = (String) f.product(m, "CAP-1", "10.00", 1000).get("id");
    Tokens.Issued customer = tokens.customer();
    String orders = "/api/v1/merchants/" + m + "/orders";
    String first =
        (String)
            RuleSupport.json(
                    r.call(
                        HttpMethod.POST,
                        orders,
                        RuleSupport.order(customer.userId(), product, 100),
                        customer.bearer()),
                    201)
                .get("id");
    Map<String, Object> refused =
        RuleSupport.json(
            r.call(
                HttpMethod.POST,
                orders,
                RuleSupport.order(customer.userId(), product, 1),
                customer.bearer()),
            409);
    assertThat(refused).containsEntry("reason", "pending-quantity-cap");
    assertThat(new CommerceFixtures(http, mongo).stock(product)).isEqualTo(900);

    // Another customer is not held back; paying releases the first customer's hold.
    Tokens.Issued other = tokens.customer();
    r.call(HttpMethod.POST, orders, RuleSupport.order(other.userId(), product, 5), other.bearer())
        .expectStatus()
        .isCreated();
    r.call(HttpMethod.POST, orders + "/" + first + "/status", Map.of("status", "PAID"), null)
        .expectStatus()
        .isOk();
    r.call(
            HttpMethod.POST,
            orders,
            RuleSupport.order(customer.userId(), product, 1),
            customer.bearer())
        .expectStatus()
        .isCreated();
  }

  private String status(String orderId) {
    return mongo
        .findOne(
            new Query(Criteria.where("_id").is(new ObjectId(orderId))), Document.class, "orders")
        .block()
        .getString("status");
  }
}
