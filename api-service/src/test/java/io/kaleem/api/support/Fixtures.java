package io.kaleem.api.support;

import java.util.Map;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Creates what a test stands on through the public API where one exists. */
public final class Fixtures {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final WebTestClient http;
  private final ReactiveMongoTemplate mongo;

  public Fixtures(WebTestClient http, ReactiveMongoTemplate mongo) {
    this.http = http;
    this.mongo = mongo;
  }

  /** A new ACTIVE merchant (currency SAR, no subscription), onboarded through the API. */
  @SuppressWarnings("unchecked")
  public String merchant() {
    String slug = "m-" + new ObjectId().toHexString();
    Map<String, Object> created =
        http.post()
            .uri("/api/v1/merchants")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(
                Map.of(
                    "name",
                    Map.of("ar", "تاجر " + slug, "en", "Merchant " + slug),
                    "slug",
                    slug,
                    "contactEmail",
                    slug + "@example.com",
                    "country",
                    "SA",
                    "currency",
                    "SAR"))
            .exchange()
            .expectStatus()
            .isCreated()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    return (String) created.get("id");
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

  /** The merchant's statistics as the API reports them (the consumers' projection of events). */
  public JsonNode statistics(String merchantId) {
    String body =
        http.get()
            .uri("/api/v1/merchants/{m}/statistics", merchantId)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    return JSON.readTree(body);
  }
}
