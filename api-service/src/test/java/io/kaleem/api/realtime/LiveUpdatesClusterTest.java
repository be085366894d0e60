package io.kaleem.api.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kaleem.api.security.Role;
import io.kaleem.api.support.CommerceFixtures;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.MessagingApp;
import io.kaleem.api.support.MessagingTestSupport;
import io.kaleem.api.support.StandaloneApp;
import io.kaleem.api.support.WsClient;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

/**
 * Two API instances on one exchange of the real RabbitMQ, each with its own WebSocket clients: an
 * order placed through one instance reaches the merchant's dashboards on both, and a dashboard of
 * another merchant receives none of it.
 */
class LiveUpdatesClusterTest {

  static final String EXCHANGE = "kaleem-test-cluster-" + UUID.randomUUID();
  static StandaloneApp a;
  static StandaloneApp b;

  @BeforeAll
  static void start() {
    MessagingTestSupport.requireBroker();
    a = MessagingApp.start(EXCHANGE, MessagingTestSupport.BROKER_URL);
    b = MessagingApp.start(EXCHANGE, MessagingTestSupport.BROKER_URL);
  }

  @AfterAll
  static void stop() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  @Test
  void anOrderReachesTheMerchantsDashboardsOnEveryReplicaAndNoOtherMerchants() {
    var http = a.http.mutate().responseTimeout(Duration.ofSeconds(60)).build();
    ReactiveMongoTemplate mongo = a.bean(ReactiveMongoTemplate.class);
    Fixtures fixtures = new Fixtures(http, mongo);
    CommerceFixtures commerce = new CommerceFixtures(http, mongo);
    String merchant = fixtures.merchant();
    String other = fixtures.merchant();
    String customer = commerce.customer("Cluster Customer");
    String product = (String) fixtures.product(merchant, "CL-1", "3.00", 50).get("id");

    try (WsClient onA =
            WsClient.connect(
                MessagingApp.port(a), MessagingApp.bearer(a, Role.MERCHANT_OWNER, null, merchant));
        WsClient onB =
            WsClient.connect(
                MessagingApp.port(b), MessagingApp.bearer(b, Role.MERCHANT_STAFF, null, merchant));
        WsClient otherOnB =
            WsClient.connect(
                MessagingApp.port(b), MessagingApp.bearer(b, Role.MERCHANT_OWNER, null, other));
        WsClient customerOnB =
            WsClient.connect(
                MessagingApp.port(b), MessagingApp.bearer(b, Role.CUSTOMER, customer, null))) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> onA.ready() && onB.ready() && otherOnB.ready() && customerOnB.ready());

      String orderId = (String) commerce.order(merchant, customer, product, 2).get("id");

      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  !onA.containing(orderId).isEmpty()
                      && !onB.containing(orderId).isEmpty()
                      && !customerOnB.containing(orderId).isEmpty());
      assertThat(onA.containing("\"type\":\"order.created\"")).hasSize(1);
      assertThat(onB.containing("\"type\":\"order.created\"")).hasSize(1);
      assertThat(customerOnB.containing("\"type\":\"order.created\"")).hasSize(1);

      // A later event of the other merchant arrives on B's queue after the order's: once the
      // other merchant's dashboard has it, it would already have had the order if it leaked.
      String otherProduct = (String) fixtures.product(other, "CL-2", "1.00", 5).get("id");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !otherOnB.containing(otherProduct).isEmpty());
      assertThat(otherOnB.containing(orderId)).isEmpty();
      assertThat(otherOnB.containing(merchant)).isEmpty();
      // The customer sees their order, not the merchant's product events.
      assertThat(customerOnB.containing("\"type\":\"product.")).isEmpty();
    }
  }
}
