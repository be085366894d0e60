package io.kaleem.api.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.CommerceFixtures;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.MessagingTestSupport;
import io.kaleem.api.support.Tokens;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Domain events against the real RabbitMQ: the envelope a consumer receives for a placed order,
 * consumer idempotency under duplicate delivery, and the dead-letter path with replay.
 */
@ApiTest
// A fresh context, so an exchange of its own: the dead-letter test counts and replays the whole
// DLQ, which other classes' poison events (an assignee of another merchant) would share.
@DirtiesContext(classMode = DirtiesContext.ClassMode.BEFORE_CLASS)
class DomainEventsTest {

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;
  @Autowired MessagingProperties props;
  @Autowired JsonMapper json;
  @Autowired Tokens tokens;

  Fixtures fixtures;
  CommerceFixtures commerce;
  MessagingTestSupport.Recorder recorder;

  @BeforeAll
  static void broker() {
    MessagingTestSupport.requireBroker();
  }

  @BeforeEach
  void setUp() throws Exception {
    http = http.mutate().responseTimeout(Duration.ofSeconds(60)).build();
    fixtures = new Fixtures(http, mongo);
    commerce = new CommerceFixtures(http, mongo);
    recorder = new MessagingTestSupport.Recorder(props.exchange(), "#");
  }

  @AfterEach
  void tearDown() throws Exception {
    recorder.close();
  }

  private List<JsonNode> received(String type) {
    return recorder.bodies.stream()
        .map(json::readTree)
        .filter(n -> type.equals(n.path("type").asString()))
        .toList();
  }

  @Test
  void aPlacedOrderReachesAConsumerInAVersionedEnvelopeAndCountsInTheMerchantsStatistics() {
    String merchant = fixtures.merchant();
    String customer = commerce.customer("Events Customer");
    String product = (String) fixtures.product(merchant, "EVT-1", "12.50", 20).get("id");

    Map<String, Object> order =
        http.post()
            .uri("/api/v1/merchants/{m}/orders", merchant)
            .header("X-Request-Id", "req-events-1")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(
                Map.of(
                    "customerId",
                    customer,
                    "items",
                    List.of(Map.of("productId", product, "quantity", 2))))
            .exchange()
            .expectStatus()
            .isCreated()
            .expectBody(
                new org.springframework.core.ParameterizedTypeReference<Map<String, Object>>() {})
            .returnResult()
            .getResponseBody();
    String orderId = (String) order.get("id");

    await().atMost(Duration.ofSeconds(30)).until(() -> !received("order.created").isEmpty());
    JsonNode e = received("order.created").get(0);
    assertThat(ObjectId.isValid(e.path("id").asString())).isTrue();
    assertThat(e.path("version").asInt()).isEqualTo(1);
    assertThat(e.path("tenant").asString()).isEqualTo("local");
    assertThat(e.path("merchantId").asString()).isEqualTo(merchant);
    assertThat(e.path("requestId").asString()).isEqualTo("req-events-1");
    assertThat(e.path("occurredAt").asString()).isNotBlank();
    assertThat(e.path("data").path("orderId").asString()).isEqualTo(orderId);
    assertThat(e.path("data").path("customerId").asString()).isEqualTo(customer);
    assertThat(e.path("data").path("total").asLong()).isEqualTo(2500);
    assertThat(e.path("data").path("currency").asString()).isEqualTo("SAR");

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> fixtures.statistics(merchant).path("orders").asLong() == 1);
    assertThat(fixtures.statistics(merchant).path("revenue").path("SAR").asLong()).isEqualTo(2500);
    // Marked sent only once confirmed; the product's creation went out before it.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                mongo
                        .count(
                            org.springframework.data.mongodb.core.query.Query.query(
                                org.springframework.data.mongodb.core.query.Criteria.where(
                                        "merchantId")
                                    .is(merchant)
                                    .and("status")
                                    .is("SENT")),
                            OutboxEvent.class)
                        .block()
                    >= 2);
    assertThat(received("product.created"))
        .anySatisfy(
            p -> assertThat(p.path("data").path("productId").asString()).isEqualTo(product));
  }

  @Test
  void aDuplicateDeliveryHasItsEffectOnce() throws Exception {
    String merchant = fixtures.merchant();
    String envelope = orderCreated(new ObjectId().toHexString(), merchant, 700);
    recorder.publish(props.exchange(), "order.created", envelope);
    recorder.publish(props.exchange(), "order.created", envelope);
    String second = orderCreated(new ObjectId().toHexString(), merchant, 300);
    recorder.publish(props.exchange(), "order.created", second);

    // The third event is applied after the duplicate (one queue, in order): once it counts, the
    // duplicate has been handled.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> fixtures.statistics(merchant).path("revenue").path("SAR").asLong() >= 1000);
    JsonNode s = fixtures.statistics(merchant);
    assertThat(s.path("orders").asLong()).isEqualTo(2);
    assertThat(s.path("revenue").path("SAR").asLong()).isEqualTo(1000);
  }

  @Test
  void aPoisonEventIsDeadLetteredAfterItsRetriesAndReplaysOnceFixed() throws Exception {
    String merchant = fixtures.merchant();
    String assignee = new ObjectId().toHexString();
    String eventId = new ObjectId().toHexString();
    String ticketOpened =
        """
        {"id":"%s","type":"ticket.opened","version":1,"occurredAt":"2026-11-26T10:00:00Z",
         "tenant":"local","merchantId":"%s","requestId":null,
         "data":{"ticketId":"%s","number":7,"assigneeId":"%s","status":"OPEN"}}
        """
            .formatted(eventId, merchant, new ObjectId().toHexString(), assignee);
    recorder.publish(props.exchange(), "ticket.opened", ticketOpened);

    await().atMost(Duration.ofSeconds(60)).until(() -> dlqDepth(NotificationConsumer.NAME) == 1);
    List<Map<String, Object>> letters =
        admin()
            .get()
            .uri("/admin/messaging/dead-letters/{c}", NotificationConsumer.NAME)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(
                new org.springframework.core.ParameterizedTypeReference<
                    List<Map<String, Object>>>() {})
            .returnResult()
            .getResponseBody();
    assertThat(letters).hasSize(1);
    assertThat((String) letters.get(0).get("error")).contains("exhausted");
    assertThat((String) letters.get(0).get("cause")).contains("assignee " + assignee);
    assertThat((String) letters.get(0).get("payload")).contains(eventId);

    // Fixed: the assignee now exists as a user of the merchant.
    mongo
        .insert(
            new org.bson.Document("_id", new ObjectId(assignee))
                .append("email", "replay-" + assignee + "@example.com")
                .append("name", "Agent Replay")
                .append("role", "MERCHANT_STAFF")
                .append("status", "ACTIVE")
                .append("merchantId", merchant),
            "users")
        .block();

    Map<String, Object> replayed =
        admin()
            .post()
            .uri("/admin/messaging/dead-letters/{c}/replay", NotificationConsumer.NAME)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(
                new org.springframework.core.ParameterizedTypeReference<Map<String, Object>>() {})
            .returnResult()
            .getResponseBody();
    assertThat(replayed).containsEntry("replayed", 1);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                mongo
                        .findById(NotificationConsumer.NAME + ":" + eventId, Notification.class)
                        .block()
                    != null);
    Notification n =
        mongo.findById(NotificationConsumer.NAME + ":" + eventId, Notification.class).block();
    assertThat(n.recipientUserId()).isEqualTo(assignee);
    assertThat(dlqDepth(NotificationConsumer.NAME)).isZero();
    // and the dashboard announcement went out through the outbox
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                received("notification.created").stream()
                    .anyMatch(
                        x -> x.path("data").path("sourceEventId").asString().equals(eventId)));
  }

  @Test
  void theDeadLetterApiIsForPlatformAdminsAndNamesItsQueues() {
    String merchant = fixtures.merchant();
    http.get()
        .uri("/admin/messaging/dead-letters")
        .header(HttpHeaders.AUTHORIZATION, tokens.owner(merchant).bearer())
        .exchange()
        .expectStatus()
        .isForbidden();
    admin()
        .get()
        .uri("/admin/messaging/dead-letters/no-such-consumer")
        .exchange()
        .expectStatus()
        .isNotFound();
    admin()
        .post()
        .uri("/admin/messaging/dead-letters/{c}/replay?limit=0", NotificationConsumer.NAME)
        .exchange()
        .expectStatus()
        .isBadRequest();
    admin()
        .get()
        .uri("/admin/messaging/dead-letters")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$[*].consumer")
        .isEqualTo(List.of(MerchantStatisticsConsumer.NAME, NotificationConsumer.NAME));
  }

  private WebTestClient admin() {
    return http;
  }

  private long dlqDepth(String consumer) {
    return admin()
        .get()
        .uri("/admin/messaging/dead-letters")
        .exchange()
        .expectBody(
            new org.springframework.core.ParameterizedTypeReference<List<Map<String, Object>>>() {})
        .returnResult()
        .getResponseBody()
        .stream()
        .filter(q -> consumer.equals(q.get("consumer")))
        .mapToLong(q -> ((Number) q.get("depth")).longValue())
        .sum();
  }

  private static String orderCreated(String id, String merchant, long total) {
    return """
        {"id":"%s","type":"order.created","version":1,"occurredAt":"2026-11-26T10:00:00Z",
         "tenant":"local","merchantId":"%s","requestId":null,
         "data":{"orderId":"%s","currency":"SAR","total":%d}}
        """
        .formatted(id, merchant, new ObjectId().toHexString(), total);
  }
}
