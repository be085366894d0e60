package io.kaleem.api.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kaleem.api.support.CommerceFixtures;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.MessagingApp;
import io.kaleem.api.support.MessagingTestSupport;
import io.kaleem.api.support.StandaloneApp;
import io.kaleem.api.support.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The broker goes away (the API reaches RabbitMQ through a proxy the test cuts): requests keep
 * succeeding, the outbox grows, and when the broker is back every event is delivered, each order's
 * events in order, and the idempotent consumer applies each exactly once.
 */
class OutboxOutageTest {

  static final int ORDERS = 500;

  @Test
  void ordersPlacedWhileTheBrokerIsDownAreAllDeliveredInOrderAfterItReturns() throws Exception {
    MessagingTestSupport.requireBroker();
    String exchange = "kaleem-test-outage-" + UUID.randomUUID();
    JsonMapper json = JsonMapper.builder().build();
    try (TcpProxy proxy = new TcpProxy(MessagingTestSupport.PORT);
        MessagingTestSupport.Recorder recorder =
            new MessagingTestSupport.Recorder(exchange, "order.#");
        StandaloneApp app =
            MessagingApp.start(
                exchange,
                "amqp://guest:guest@127.0.0.1:" + proxy.port() + "/",
                // One customer places all the orders: the cap on their open PENDING units of one
                // product (a business rule, ReservationExpiryTest) must not be what this tests.
                "kaleem.orders.max-pending-quantity=" + ORDERS)) {
      var http = app.http.mutate().responseTimeout(Duration.ofSeconds(60)).build();
      ReactiveMongoTemplate mongo = app.bean(ReactiveMongoTemplate.class);
      Fixtures fixtures = new Fixtures(http, mongo);
      CommerceFixtures commerce = new CommerceFixtures(http, mongo);
      String merchant = fixtures.merchant();
      String customer = commerce.customer("Outage Customer");
      String product = (String) fixtures.product(merchant, "OUT-1", "1.00", 100_000).get("id");
      OutboxGauges gauges = app.bean(OutboxGauges.class);
      await().atMost(Duration.ofSeconds(60)).until(() -> pending(gauges) == 0);

      proxy.down();
      List<String> orderIds = new ArrayList<>();
      for (int i = 0; i < ORDERS; i++) {
        orderIds.add((String) commerce.order(merchant, customer, product, 1).get("id"));
      }
      // Every tenth order also moves on during the outage: its two events must stay in order.
      for (int i = 0; i < ORDERS; i += 10) {
        http.post()
            .uri("/api/v1/merchants/{m}/orders/{o}/status", merchant, orderIds.get(i))
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(Map.of("status", "PAID"))
            .exchange()
            .expectStatus()
            .isOk();
      }
      int changed = ORDERS / 10;
      assertThat(pending(gauges)).isEqualTo(ORDERS + changed);
      assertThat(recorder.bodies).isEmpty();
      // The broker is a component of /api/health; readiness does not depend on it.
      http.get().uri("/api/health").exchange().expectStatus().isEqualTo(503);
      http.get().uri("/api/health/readiness").exchange().expectStatus().isOk();

      proxy.up();
      await()
          .atMost(Duration.ofMinutes(3))
          .until(() -> distinctIds(json, recorder.bodies).size() >= ORDERS + changed);
      await().atMost(Duration.ofMinutes(1)).until(() -> pending(gauges) == 0);
      await()
          .atMost(Duration.ofMinutes(1))
          .until(
              () ->
                  http.get()
                      .uri("/api/health")
                      .exchange()
                      .returnResult(String.class)
                      .getStatus()
                      .is2xxSuccessful());

      Set<String> created = new HashSet<>();
      Map<String, Integer> firstCreated = new HashMap<>();
      Map<String, Integer> firstChanged = new HashMap<>();
      List<String> bodies = List.copyOf(recorder.bodies);
      for (int i = 0; i < bodies.size(); i++) {
        JsonNode e = json.readTree(bodies.get(i));
        String orderId = e.path("data").path("orderId").asString();
        if (e.path("type").asString().equals("order.created")) {
          created.add(orderId);
          firstCreated.putIfAbsent(orderId, i);
        } else if (e.path("type").asString().equals("order.status-changed")) {
          firstChanged.putIfAbsent(orderId, i);
        }
      }
      assertThat(created).containsExactlyInAnyOrderElementsOf(orderIds);
      assertThat(firstChanged).hasSize(changed);
      firstChanged.forEach(
          (order, at) ->
              assertThat(firstCreated.get(order))
                  .as("created before changed: " + order)
                  .isLessThan(at));

      // The idempotent consumer applied each order once.
      await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> fixtures.statistics(merchant).path("orders").asLong() == ORDERS);
    }
  }

  private static long pending(OutboxGauges gauges) {
    gauges.refresh().block();
    return gauges.depth();
  }

  private static Set<String> distinctIds(JsonMapper json, List<String> bodies) {
    Set<String> ids = new HashSet<>();
    for (String b : List.copyOf(bodies)) {
      ids.add(json.readTree(b).path("id").asString());
    }
    return ids;
  }
}
