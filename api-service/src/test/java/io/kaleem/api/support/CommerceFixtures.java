package io.kaleem.api.support;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Users (written directly in the users-collection contract, as the users feature owns their API),
 * orders placed through the API, and stock read back from the database.
 */
public final class CommerceFixtures {

  private final WebTestClient http;
  private final ReactiveMongoTemplate mongo;

  public CommerceFixtures(WebTestClient http, ReactiveMongoTemplate mongo) {
    this.http = http;
    this.mongo = mongo;
  }

  public String user(String name, String role, String status, String merchantId) {
    ObjectId id = new ObjectId();
    Date now = Date.from(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    Document doc =
        new Document("_id", id)
            .append("email", "u-" + id.toHexString() + "@example.com")
            .append("name", name)
            .append("role", role)
            .append("status", status)
            .append("searchTerms", List.of())
            .append("createdAt", now)
            .append("updatedAt", now);
    if (merchantId != null) {
      doc.append("merchantId", merchantId);
    }
    mongo.insert(doc, "users").block();
    return id.toHexString();
  }

  /** An ACTIVE CUSTOMER. */
  public String customer(String name) {
    return user(name, "CUSTOMER", "ACTIVE", null);
  }

  /** An ACTIVE SUPPORT_AGENT (platform-wide). */
  public String agent(String name) {
    return user(name, "SUPPORT_AGENT", "ACTIVE", null);
  }

  /** An ACTIVE MERCHANT_STAFF member of the merchant. */
  public String staff(String merchantId, String name) {
    return user(name, "MERCHANT_STAFF", "ACTIVE", merchantId);
  }

  public int stock(String productId) {
    Document p =
        mongo
            .findOne(
                new Query(Criteria.where("_id").is(new ObjectId(productId))),
                Document.class,
                "products")
            .block();
    return ((Number) p.get("stock")).intValue();
  }

  public long orderCount(String merchantId) {
    return mongo.count(new Query(Criteria.where("merchantId").is(merchantId)), "orders").block();
  }

  /** Places an order of one line through the API and returns it. */
  public Map<String, Object> order(
      String merchantId, String customerId, String productId, int qty) {
    return order(
        merchantId,
        Map.of(
            "customerId",
            customerId,
            "items",
            List.of(Map.of("productId", productId, "quantity", qty))));
  }

  @SuppressWarnings("unchecked")
  public Map<String, Object> order(String merchantId, Map<String, Object> body) {
    return http.post()
        .uri("/api/v1/merchants/{m}/orders", merchantId)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body)
        .exchange()
        .expectStatus()
        .isCreated()
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }
}
