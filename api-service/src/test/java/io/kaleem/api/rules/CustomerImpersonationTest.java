package io.kaleem.api.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.Tokens;
import java.util.List;
import java.util.Map;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Issue 16 item 3: nobody speaks for a customer, and no customer-id oracle. */
@ApiTest
class CustomerImpersonationTest {

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;
  @Autowired Tokens tokens;

  @Test
  void aTicketOpenedByStaffStartsWithTheStaffMembersOwnWords() {
    RuleSupport r = new RuleSupport(http);
    Fixtures f = new Fixtures(http, mongo);
    String m = f.merchant();
    String product = (String) f.product(m, "IMP-1", "10.00", 50).get("id");
    Tokens.Issued customer = tokens.customer();
    r.call(
            HttpMethod.POST,
            "/api/v1/merchants/" + m + "/orders",
            RuleSupport.order(customer.userId(), product, 1),
            customer.bearer())
        .expectStatus()
        .isCreated();

    for (Tokens.Issued agent : List.of(tokens.owner(m), tokens.staff(m), tokens.support())) {
      Map<String, Object> ticket =
          RuleSupport.json(
              r.call(
                  HttpMethod.POST,
                  "/api/v1/merchants/" + m + "/tickets",
                  Map.of(
                      "subject", "About your order", "customerId", customer.userId(), "body", "Hi"),
                  agent.bearer()),
              201);
      assertThat(ticket).containsEntry("customerId", customer.userId());
      @SuppressWarnings("unchecked")
      Map<String, Object> first = ((List<Map<String, Object>>) ticket.get("messages")).get(0);
      assertThat(first).containsEntry("authorId", agent.userId());
    }
  }

  @Test
  void ownersNameOnlyTheirOwnCustomersWithOneAnswerForEveryOtherId() {
    RuleSupport r = new RuleSupport(http);
    Fixtures f = new Fixtures(http, mongo);
    String m = f.merchant();
    String product = (String) f.product(m, "IMP-2", "10.00", 50).get("id");
    String owner = tokens.owner(m).bearer();
    Tokens.Issued stranger = tokens.customer();
    String notACustomer = tokens.support().userId();
    String nobody = new ObjectId().toHexString();
    String orders = "/api/v1/merchants/" + m + "/orders";
    String tickets = "/api/v1/merchants/" + m + "/tickets";

    List<Object> details = new java.util.ArrayList<>();
    for (String id : List.of(stranger.userId(), notACustomer, nobody)) {
      Map<String, Object> order =
          RuleSupport.json(
              r.call(HttpMethod.POST, orders, RuleSupport.order(id, product, 1), owner), 400);
      Map<String, Object> ticket =
          RuleSupport.json(
              r.call(
                  HttpMethod.POST,
                  tickets,
                  Map.of("subject", "S", "customerId", id, "body", "B"),
                  owner),
              400);
      details.add(order.get("errors"));
      details.add(ticket.get("errors"));
    }
    assertThat(details)
        .as("the same answer for every id that is not this merchant's customer")
        .allSatisfy(d -> assertThat(d).isEqualTo(details.get(0)));

    // Once the customer has ordered here, the owner may act for the relationship.
    r.call(
            HttpMethod.POST,
            orders,
            RuleSupport.order(stranger.userId(), product, 1),
            stranger.bearer())
        .expectStatus()
        .isCreated();
    r.call(HttpMethod.POST, orders, RuleSupport.order(stranger.userId(), product, 1), owner)
        .expectStatus()
        .isCreated();
  }
}
