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
    String draft =
        (String)
            fixtures
                .product(
                    merchant,
                    Map.of(
                        "sku",
                        "DRF-1",
                        "name",
                        Map.of("en", "Draft"),
                        "price",
                        3,
                        "currency",
                        "SAR",
                        "stock",
                        1))
                .get("id");
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
}
