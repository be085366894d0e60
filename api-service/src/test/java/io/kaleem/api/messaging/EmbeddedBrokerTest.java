package io.kaleem.api.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kaleem.api.security.Role;
import io.kaleem.api.support.CommerceFixtures;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.MessagingApp;
import io.kaleem.api.support.StandaloneApp;
import io.kaleem.api.support.WsClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
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
}
