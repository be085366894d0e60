package io.kaleem.api.products;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.Tokens;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Customers browse any merchant's ACTIVE products; drafts and archived products are hidden. */
@ApiTest
class CustomerVisibilityTest {

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;
  @Autowired Tokens tokens;

  @Test
  @SuppressWarnings("unchecked")
  void customersSeeOnlyActiveProducts() {
    var fixtures = new Fixtures(http, mongo);
    String merchant = fixtures.merchant();
    String active = (String) fixtures.product(merchant, "ACT-1", "10.00", 1).get("id");
    String draft = draft(fixtures, merchant, "DRF-1");
    String customer = tokens.customer().bearer();

    Map<String, Object> page =
        http.get()
            .uri("/api/v1/merchants/{m}/products?status=DRAFT&status=ACTIVE", merchant)
            .header(HttpHeaders.AUTHORIZATION, customer)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    List<Map<String, Object>> items = (List<Map<String, Object>>) page.get("data");
    assertThat(items).extracting(i -> i.get("id")).containsExactly(active);

    http.get()
        .uri("/api/v1/merchants/{m}/products/{id}", merchant, draft)
        .header(HttpHeaders.AUTHORIZATION, customer)
        .exchange()
        .expectStatus()
        .isNotFound();
    http.get()
        .uri("/api/v1/merchants/{m}/products/{id}", merchant, active)
        .header(HttpHeaders.AUTHORIZATION, customer)
        .exchange()
        .expectStatus()
        .isOk();
    // The merchant's own staff still see drafts.
    http.get()
        .uri("/api/v1/merchants/{m}/products/{id}", merchant, draft)
        .header(HttpHeaders.AUTHORIZATION, tokens.staff(merchant).bearer())
        .exchange()
        .expectStatus()
        .isOk();
  }

  /**
   * The product's JSON is kept per cached product (ProductJson) and served to every caller that may
   * see it: a draft a staff member has read (and so cached) stays a 404 for customers, and once
   * published, customers get exactly the JSON the write answered (the same mapper, no stale copy).
   */
  @Test
  void aCachedDraftStaysHiddenFromCustomersAndItsPublicationIsServedAtOnce() {
    var fixtures = new Fixtures(http, mongo);
    String merchant = fixtures.merchant();
    String draft = draft(fixtures, merchant, "DRF-2");
    String path = "/api/v1/merchants/" + merchant + "/products/" + draft;
    String staff = tokens.staff(merchant).bearer();
    String customer = tokens.customer().bearer();

    String staffView = read(path, staff);
    assertThat(staffView).contains("\"status\":\"DRAFT\"");
    assertThat(read(path, staff)).isEqualTo(staffView);
    http.get()
        .uri(path)
        .header(HttpHeaders.AUTHORIZATION, customer)
        .exchange()
        .expectStatus()
        .isNotFound()
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON);

    String published =
        http.patch()
            .uri(path)
            .header(HttpHeaders.AUTHORIZATION, staff)
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(Map.of("status", "ACTIVE"))
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    assertThat(published).contains("\"status\":\"ACTIVE\"");
    assertThat(read(path, customer)).isEqualTo(published);
    assertThat(read(path, staff)).isEqualTo(published);
  }

  /** A DRAFT product (no status given) of the merchant: its id. */
  private static String draft(Fixtures fixtures, String merchant, String sku) {
    Map<String, Object> body =
        Map.of(
            "sku", sku, "name", Map.of("en", "Draft"), "price", 3, "currency", "SAR", "stock", 1);
    return (String) fixtures.product(merchant, body).get("id");
  }

  private String read(String path, String bearer) {
    return http.get()
        .uri(path)
        .header(HttpHeaders.AUTHORIZATION, bearer)
        .exchange()
        .expectStatus()
        .isOk()
        .expectHeader()
        .contentType(MediaType.APPLICATION_JSON)
        .expectBody(String.class)
        .returnResult()
        .getResponseBody();
  }
}
