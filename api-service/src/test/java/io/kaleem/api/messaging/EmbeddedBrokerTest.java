package io.kaleem.api.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kaleem.api.security.Role;
import io.kaleem.api.support.CommerceFixtures;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.MessagingApp;
import io.kaleem.api.support.StandaloneApp;
import io.kaleem.api.support.WsClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

/**
 * With no broker URL the API starts its in-process AMQP broker (Qpid Broker-J) and takes the same
 * path as production: outbox, relay with confirms, consumers, WebSocket fan-out.
 */
class EmbeddedBrokerTest {

  @Test
  void withNoBrokerConfiguredTheEmbeddedBrokerCarriesEventsEndToEnd() {
    try (StandaloneApp app = MessagingApp.start("kaleem.embedded-test.events", "")) {
      BrokerConnectionConfiguration.EmbeddedBroker broker =
          app.bean(BrokerConnectionConfiguration.EmbeddedBroker.class);
      assertThat(broker.port()).isPositive();
      var http = app.http.mutate().responseTimeout(Duration.ofSeconds(60)).build();
      ReactiveMongoTemplate mongo = app.bean(ReactiveMongoTemplate.class);
      Fixtures fixtures = new Fixtures(http, mongo);
      CommerceFixtures commerce = new CommerceFixtures(http, mongo);
      String merchant = fixtures.merchant();
      String customer = commerce.customer("Embedded Customer");
      String product = (String) fixtures.product(merchant, "EMB-1", "4.00", 6).get("id");
      try (WsClient owner =
          WsClient.connect(
              MessagingApp.port(app),
              MessagingApp.bearer(app, Role.MERCHANT_OWNER, null, merchant))) {
        await().atMost(Duration.ofSeconds(30)).until(owner::ready);
        String order = (String) commerce.order(merchant, customer, product, 2).get("id");
        await().atMost(Duration.ofSeconds(60)).until(() -> !owner.containing(order).isEmpty());
        // Stock 6 -> 4 crossed the low-stock threshold (5): the notifications consumer stores a
        // notification and announces it to the merchant's dashboards.
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> !owner.containing("\"kind\":\"stock-low\"").isEmpty());
        assertThat(owner.containing("\"type\":\"product.stock-low\"")).hasSize(1);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    http.get()
                        .uri("/api/v1/merchants/{m}/statistics", merchant)
                        .exchange()
                        .expectBody(String.class)
                        .returnResult()
                        .getResponseBody()
                        .contains("\"orders\":1"));
      }
    }
  }

  @Test
  void withNoBrokerConfiguredAPoisonEventIsDeadLetteredAndReplayedOnceFixed() {
    try (StandaloneApp app = MessagingApp.start("kaleem.embedded-dlq.events", "")) {
      var http = app.http.mutate().responseTimeout(Duration.ofSeconds(60)).build();
      ReactiveMongoTemplate mongo = app.bean(ReactiveMongoTemplate.class);
      String exchange = app.bean(MessagingProperties.class).exchange();
      String merchant = new Fixtures(http, mongo).merchant();
      String assignee = new ObjectId().toHexString();
      String eventId = new ObjectId().toHexString();
      String ticketOpened =
          """
          {"id":"%s","type":"ticket.opened","version":1,"occurredAt":"2026-11-26T10:00:00Z",
           "tenant":"local","merchantId":"%s","requestId":null,
           "data":{"ticketId":"%s","number":7,"assigneeId":"%s","status":"OPEN"}}
          """
              .formatted(eventId, merchant, new ObjectId().toHexString(), assignee);
      MessageProperties headers = new MessageProperties();
      headers.setContentType("application/json");
      app.bean(RabbitTemplate.class)
          .send(
              exchange,
              "ticket.opened",
              new Message(ticketOpened.getBytes(StandardCharsets.UTF_8), headers));

      // An assignee who is no user of the merchant: retried, then dead-lettered.
      await().atMost(Duration.ofSeconds(60)).until(() -> depth(http) == 1);
      http.get()
          .uri("/admin/messaging/dead-letters/{c}", NotificationConsumer.NAME)
          .exchange()
          .expectStatus()
          .isOk()
          .expectBody()
          .jsonPath("$[0].payload")
          .value(p -> assertThat((String) p).contains(eventId))
          .jsonPath("$[0].cause")
          .value(c -> assertThat((String) c).contains("assignee " + assignee));

      mongo
          .insert(
              new Document("_id", new ObjectId(assignee))
                  .append("email", "dlq-" + assignee + "@example.com")
                  .append("name", "Agent Embedded")
                  .append("role", "MERCHANT_STAFF")
                  .append("status", "ACTIVE")
                  .append("merchantId", merchant),
              "users")
          .block();
      http.post()
          .uri("/admin/messaging/dead-letters/{c}/replay", NotificationConsumer.NAME)
          .exchange()
          .expectStatus()
          .isOk()
          .expectBody()
          .jsonPath("$.replayed")
          .isEqualTo(1);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  mongo
                          .findById(NotificationConsumer.NAME + ":" + eventId, Notification.class)
                          .block()
                      != null);
      assertThat(depth(http)).isZero();
    }
  }

  private static long depth(org.springframework.test.web.reactive.server.WebTestClient http) {
    return http
        .get()
        .uri("/admin/messaging/dead-letters")
        .exchange()
        .expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() {})
        .returnResult()
        .getResponseBody()
        .stream()
        .filter(q -> NotificationConsumer.NAME.equals(q.get("consumer")))
        .mapToLong(q -> ((Number) q.get("depth")).longValue())
        .sum();
  }
}
