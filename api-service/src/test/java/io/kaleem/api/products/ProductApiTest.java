package io.kaleem.api.products;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

@ApiTest
class ProductApiTest {

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;
  Fixtures fixtures;
  String merchant;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(http, mongo);
    merchant = fixtures.merchant();
  }

  @Test
  void createsReadsUpdatesAndArchivesAProduct() {
    Map<String, Object> created =
        fixtures.product(
            merchant,
            Map.of(
                "sku",
                "TEA-1",
                "name",
                Map.of("ar", "شاي أخضر", "en", "Green tea"),
                "price",
                12.5,
                "currency",
                "SAR",
                "stock",
                7,
                "tags",
                List.of("drinks"),
                "images",
                List.of("https://cdn.example.com/tea.png")));
    String id = (String) created.get("id");
    assertThat(created)
        .containsEntry("sku", "TEA-1")
        .containsEntry("status", "DRAFT")
        .containsEntry("merchantId", merchant)
        .containsEntry("price", 12.5)
        .doesNotContainKey("searchTerms");

    http.get()
        .uri("/api/v1/merchants/{m}/products/{id}", merchant, id)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.name.ar")
        .isEqualTo("شاي أخضر");

    http.patch()
        .uri("/api/v1/merchants/{m}/products/{id}", merchant, id)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("price", "13.25", "status", "ACTIVE"))
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.price")
        .isEqualTo(13.25)
        .jsonPath("$.status")
        .isEqualTo("ACTIVE")
        .jsonPath("$.stock")
        .isEqualTo(7);

    http.delete()
        .uri("/api/v1/merchants/{m}/products/{id}", merchant, id)
        .exchange()
        .expectStatus()
        .isNoContent();
    http.get()
        .uri("/api/v1/merchants/{m}/products/{id}", merchant, id)
        .exchange()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("ARCHIVED");
    http.get()
        .uri("/api/v1/merchants/{m}/products", merchant)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.data.length()")
        .isEqualTo(0);
  }

  @Test
  void skuIsUniquePerMerchant() {
    fixtures.product(merchant, "DUP-1", "1.00", 1);
    http.post()
        .uri("/api/v1/merchants/{m}/products", merchant)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("sku", "DUP-1", "name", Map.of("en", "x"), "price", 1, "currency", "SAR"))
        .exchange()
        .expectStatus()
        .isEqualTo(409)
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://kaleem.io/problems/conflict");
    // Another merchant may use the same SKU.
    fixtures.product(fixtures.merchant(), "DUP-1", "1.00", 1);
  }

  @Test
  void searchFindsArabicWithDiacriticsAndEnglishPrefixes() {
    fixtures.product(
        merchant,
        Map.of(
            "sku", "S-1",
            "name", Map.of("ar", "منتج رائع", "en", "Wonderful Lamp"),
            "price", 5,
            "currency", "SAR",
            "status", "ACTIVE"));
    fixtures.product(merchant, "S-2", "5", 1);

    for (String q : List.of("مُنتَج رائع", "wonder", "LAMP", "رائـــع")) {
      http.get()
          .uri(u -> u.path("/api/v1/merchants/{m}/products").queryParam("q", q).build(merchant))
          .exchange()
          .expectStatus()
          .isOk()
          .expectBody()
          .jsonPath("$.data.length()")
          .isEqualTo(1)
          .jsonPath("$.data[0].sku")
          .isEqualTo("S-1");
    }
    http.get()
        .uri(
            u -> u.path("/api/v1/merchants/{m}/products").queryParam("q", "مُنتَج").build(merchant))
        .exchange()
        .expectBody()
        .jsonPath("$.data.length()")
        .isEqualTo(2);
  }

  @Test
  @SuppressWarnings("unchecked")
  void rejectsBadInputWithProblemDetails() {
    http.post()
        .uri("/api/v1/merchants/{m}/products", merchant)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(
            Map.of(
                "sku", "X-1",
                "name", Map.of("en", "x"),
                "price", 1,
                "currency", "SAR",
                "merchantId", "000000000000000000000000"))
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://kaleem.io/problems/malformed-request")
        .jsonPath("$.detail")
        .value(d -> assertThat((String) d).contains("merchantId"));

    http.post()
        .uri("/api/v1/merchants/{m}/products", merchant)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("sku", "", "name", Map.of(), "price", -1, "currency", "SAR"))
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://kaleem.io/problems/validation")
        .jsonPath("$.errors[*].field")
        .value(f -> assertThat((List<Object>) f).contains("sku", "price", "name.present"));

    http.post()
        .uri("/api/v1/merchants/{m}/products", merchant)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(
            Map.of("sku", "X-2", "name", Map.of("en", "x"), "price", 1.234, "currency", "SAR"))
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.errors[0].field")
        .isEqualTo("price");

    http.get()
        .uri("/api/v1/merchants/{m}/products/not-an-id", merchant)
        .exchange()
        .expectStatus()
        .isBadRequest();
    http.get()
        .uri("/api/v1/merchants/{m}/products/{id}", merchant, "0123456789abcdef01234567")
        .exchange()
        .expectStatus()
        .isNotFound()
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://kaleem.io/problems/not-found");
    http.get()
        .uri("/api/v1/merchants/{m}/products", "0123456789abcdef01234567")
        .exchange()
        .expectStatus()
        .isNotFound();
  }

  @Test
  void refusesBodiesOverOneMebibyte() {
    byte[] big = new byte[1024 * 1024 + 10];
    java.util.Arrays.fill(big, (byte) 'a');
    http.post()
        .uri("/api/v1/merchants/{m}/products", merchant)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(big)
        .exchange()
        .expectStatus()
        .isEqualTo(413)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://kaleem.io/problems/payload-too-large");
  }

  @Test
  void productsOfAnotherMerchantAreInvisible() {
    String other = fixtures.merchant();
    String id = (String) fixtures.product(other, "B-1", "2", 1).get("id");
    http.get()
        .uri("/api/v1/merchants/{m}/products/{id}", merchant, id)
        .exchange()
        .expectStatus()
        .isNotFound();
    http.patch()
        .uri("/api/v1/merchants/{m}/products/{id}", merchant, id)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("stock", 0))
        .exchange()
        .expectStatus()
        .isNotFound();
  }
}
