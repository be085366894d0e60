package io.kaleem.api.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.CommerceFixtures;
import io.kaleem.api.support.Fixtures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The event is written in the same single-document write as the change. A process that dies right
 * after that write (simulated by a fault where the move to the outbox would start) leaves the event
 * in the changed document, never a change without its event; recovery then moves it, in order, and
 * the relay delivers it.
 */
@ApiTest
// A fresh context: its last step waits for the relay to send these events, which in a shared
// context queue behind every earlier class's backlog (see LiveGatewayTest).
@DirtiesContext(classMode = DirtiesContext.ClassMode.BEFORE_CLASS)
class AtomicOutboxTest {

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;
  @Autowired DomainEvents events;
  @Autowired PendingEventRecovery recovery;
  @Autowired JsonMapper json;

  Fixtures fixtures;
  CommerceFixtures commerce;

  /** Stands in for the process dying between the change and the move to the outbox. */
  static final class SimulatedCrash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SimulatedCrash() {
      super("simulated crash after the change was written");
    }
  }

  @BeforeEach
  void setUp() {
    http = http.mutate().responseTimeout(Duration.ofSeconds(60)).build();
    fixtures = new Fixtures(http, mongo);
    commerce = new CommerceFixtures(http, mongo);
  }

  @AfterEach
  void noFault() {
    events.beforeMove = null;
  }

  @Test
  void aCrashAfterTheChangeLosesNoEventAndRecoveryDeliversThemInOrder() {
    String merchant = fixtures.merchant();
    String customer = commerce.customer("Crash Customer");
    String product = (String) fixtures.product(merchant, "CRASH-1", "10.00", 6).get("id");

    events.beforeMove =
        () -> {
          throw new SimulatedCrash();
        };
    String order = (String) commerce.order(merchant, customer, product, 2).get("id");
    changeStatus(merchant, order, "PAID");

    // The changes exist, each with its event in the order's own document; none reached the outbox.
    Document stored = document("orders", order);
    assertThat(stored.getString("status")).isEqualTo("PAID");
    List<Document> pending = stored.getList(DomainEvents.FIELD, Document.class);
    assertThat(pending)
        .extracting(p -> p.getString("type"))
        .containsExactly("order.created", "product.stock-low", "order.status-changed");
    List<ObjectId> ids = pending.stream().map(p -> p.getObjectId("_id")).toList();
    assertThat(outbox(merchant)).noneMatch(e -> ids.contains(e.getObjectId("_id")));

    events.beforeMove = null;
    assertThat(recovery.recover(Duration.ZERO).block()).isPositive();

    assertThat(document("orders", order).getList(DomainEvents.FIELD, Document.class)).isEmpty();
    List<Document> moved =
        outbox(merchant).stream().filter(e -> ids.contains(e.getObjectId("_id"))).toList();
    assertThat(moved)
        .extracting(e -> e.getString("type"))
        .containsExactly("order.created", "product.stock-low", "order.status-changed");
    assertThat(moved).extracting(e -> e.getObjectId("_id")).containsExactlyElementsOf(ids);
    JsonNode created = json.readTree(moved.get(0).getString("payload"));
    assertThat(created.path("data").path("orderId").asString()).isEqualTo(order);
    assertThat(created.path("data").path("status").asString()).isEqualTo("PENDING");
    assertThat(created.path("data").path("total").asLong()).isEqualTo(2000);
    JsonNode changed = json.readTree(moved.get(2).getString("payload"));
    assertThat(changed.path("data").path("status").asString()).isEqualTo("PAID");
    assertThat(changed.path("data").path("previousStatus").asString()).isEqualTo("PENDING");
    assertThat(changed.path("id").asString())
        .isEqualTo(pending.get(2).getObjectId("_id").toHexString());

    // A second recovery finds nothing: each event is in the outbox once.
    recovery.recover(Duration.ZERO).block();
    assertThat(outbox(merchant)).filteredOn(e -> ids.contains(e.getObjectId("_id"))).hasSize(3);

    // The relay sends them; the statistics consumer counts the order.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> outbox(merchant).stream().allMatch(e -> "SENT".equals(e.getString("status"))));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> fixtures.statistics(merchant).path("orders").asLong() == 1);
  }

  @Test
  void theNextChangeMovesEventsACrashLeftBehindAheadOfItsOwn() {
    String merchant = fixtures.merchant();
    String customer = commerce.customer("Crash Customer Two");
    String product = (String) fixtures.product(merchant, "CRASH-2", "3.00", 50).get("id");

    events.beforeMove =
        () -> {
          throw new SimulatedCrash();
        };
    String order = (String) commerce.order(merchant, customer, product, 1).get("id");
    events.beforeMove = null;
    changeStatus(merchant, order, "CANCELLED");

    assertThat(document("orders", order).getList(DomainEvents.FIELD, Document.class)).isEmpty();
    assertThat(outbox(merchant))
        .filteredOn(e -> e.getString("aggregate").startsWith("order:"))
        .extracting(e -> e.getString("type"))
        .containsExactly("order.created", "order.cancelled");
  }

  @Test
  void aRefusedChangeRecordsNoEvent() {
    String merchant = fixtures.merchant();
    String customer = commerce.customer("Refused Customer");
    String product = (String) fixtures.product(merchant, "CRASH-3", "3.00", 50).get("id");
    String order = (String) commerce.order(merchant, customer, product, 1).get("id");
    int before = outbox(merchant).size();

    // PENDING cannot move to DELIVERED: a 409, no change, no event.
    http.post()
        .uri("/api/v1/merchants/{m}/orders/{o}/status", merchant, order)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("status", "DELIVERED"))
        .exchange()
        .expectStatus()
        .isEqualTo(409);
    // A duplicate SKU: no product, no event.
    http.post()
        .uri("/api/v1/merchants/{m}/products", merchant)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(
            Map.of(
                "sku", "CRASH-3", "name", Map.of("en", "Dup"), "price", "1.00", "currency", "SAR"))
        .exchange()
        .expectStatus()
        .isEqualTo(409);

    Document stored = document("orders", order);
    assertThat(stored.getString("status")).isEqualTo("PENDING");
    assertThat(stored.getList(DomainEvents.FIELD, Document.class)).isEmpty();
    assertThat(outbox(merchant)).hasSize(before);
  }

  private void changeStatus(String merchant, String order, String status) {
    http.post()
        .uri("/api/v1/merchants/{m}/orders/{o}/status", merchant, order)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("status", status))
        .exchange()
        .expectStatus()
        .isOk();
  }

  private Document document(String collection, String id) {
    return mongo
        .findOne(new Query(Criteria.where("_id").is(new ObjectId(id))), Document.class, collection)
        .block();
  }

  private List<Document> outbox(String merchant) {
    return mongo
        .find(
            new Query(Criteria.where("merchantId").is(merchant)).with(Sort.by("createdAt", "_id")),
            Document.class,
            "outbox")
        .collectList()
        .block();
  }
}
