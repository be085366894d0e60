package io.kaleem.api.support;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Creates what a test stands on through the public API where one exists. */
public final class Fixtures {

  private final WebTestClient http;
  private final ReactiveMongoTemplate mongo;

  public Fixtures(WebTestClient http, ReactiveMongoTemplate mongo) {
    this.http = http;
    this.mongo = mongo;
  }

  /** A merchant row; merchant onboarding has its own tests. */
  public String merchant() {
    ObjectId id = new ObjectId();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    mongo
        .insert(
            new Document("_id", id)
                .append("name", "Merchant " + id)
                .append("slug", "m-" + id.toHexString())
                .append("status", "ACTIVE")
                .append("searchTerms", List.of())
                .append("createdAt", java.util.Date.from(now))
                .append("updatedAt", java.util.Date.from(now)),
            "merchants")
        .block();
    return id.toHexString();
  }

  @SuppressWarnings("unchecked")
  public Map<String, Object> product(String merchantId, Map<String, Object> body) {
    return http.post()
        .uri("/api/v1/merchants/{m}/products", merchantId)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body)
        .exchange()
        .expectStatus()
        .isCreated()
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }

  public Map<String, Object> product(String merchantId, String sku, String price, int stock) {
    return product(
        merchantId,
        Map.of(
            "sku",
            sku,
            "name",
            Map.of("ar", "منتج " + sku, "en", "Product " + sku),
            "price",
            new java.math.BigDecimal(price),
            "currency",
            "SAR",
            "stock",
            stock,
            "status",
            "ACTIVE"));
  }

  @SuppressWarnings("unchecked")
  public Map<String, Object> category(String merchantId, String slug) {
    return http.post()
        .uri("/api/v1/merchants/{m}/categories", merchantId)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("name", Map.of("en", "Category " + slug), "slug", slug))
        .exchange()
        .expectStatus()
        .isCreated()
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }

  @SuppressWarnings("unchecked")
  public Map<String, Object> getJson(String path) {
    return http.get()
        .uri(path)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }
}
