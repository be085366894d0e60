package io.kaleem.api.plans;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.CatalogCoverage;
import io.kaleem.api.support.RecordedQueries;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

@ApiTest
class PlanApiTest {

  @Autowired WebTestClient http;
  @Autowired RecordedQueries queries;

  static Map<String, Object> body(String code, String price, boolean active) {
    return Map.of(
        "code",
        code,
        "name",
        Map.of("ar", "باقة " + code, "en", "Plan " + code),
        "price",
        new java.math.BigDecimal(price),
        "currency",
        "SAR",
        "interval",
        "MONTHLY",
        "limits",
        Map.of("products", 100, "requestsPerMinute", 60, "staff", 3),
        "active",
        active);
  }

  @BeforeEach
  void setUp() {
    // The machine is shared: allow a slow first request rather than fail on the 5 s default.
    http = http.mutate().responseTimeout(java.time.Duration.ofSeconds(60)).build();
  }

  /** Every query this test sent (lists, lookups, probes) is served by an index. */
  @AfterEach
  void everyQueryIsServedByAnIndex() {
    assertThat(CatalogCoverage.unserved(queries.all(), Set.of(Plan.COLLECTION))).isEmpty();
  }

  @SuppressWarnings("unchecked")
  static List<Object> asList(Object o) {
    return (List<Object>) o;
  }

  static String uniqueCode(String prefix) {
    return prefix + "-" + new ObjectId().toHexString();
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> create(Map<String, Object> body) {
    return http.post()
        .uri("/api/v1/plans")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body)
        .exchange()
        .expectStatus()
        .isCreated()
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }

  @Test
  void createsReadsUpdatesAndDeactivatesAPlan() {
    String code = uniqueCode("basic");
    var result =
        http.post()
            .uri("/api/v1/plans")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(body(code, "99.50", true))
            .exchange()
            .expectStatus()
            .isCreated()
            .expectBody(Map.class)
            .returnResult();
    @SuppressWarnings("unchecked")
    Map<String, Object> created = result.getResponseBody();
    String id = (String) created.get("id");
    assertThat(result.getResponseHeaders().getLocation()).hasToString("/api/v1/plans/" + id);
    assertThat(created)
        .containsEntry("code", code)
        .containsEntry("price", 99.5)
        .containsEntry("currency", "SAR")
        .containsEntry("interval", "MONTHLY")
        .containsEntry("active", true)
        .doesNotContainKey("searchTerms");

    http.get()
        .uri("/api/v1/plans/{id}", id)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.name.ar")
        .isEqualTo("باقة " + code)
        .jsonPath("$.limits.staff")
        .isEqualTo(3);

    http.patch()
        .uri("/api/v1/plans/{id}", id)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(
            Map.of(
                "price",
                "120",
                "name",
                Map.of("en", "Growth"),
                "limits",
                Map.of("products", 500, "requestsPerMinute", 120, "staff", 10)))
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.price")
        .isEqualTo(120.0)
        .jsonPath("$.name.en")
        .isEqualTo("Growth")
        .jsonPath("$.limits.products")
        .isEqualTo(500)
        .jsonPath("$.code")
        .isEqualTo(code);

    http.delete().uri("/api/v1/plans/{id}", id).exchange().expectStatus().isNoContent();
    http.get()
        .uri("/api/v1/plans/{id}", id)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.active")
        .isEqualTo(false);
  }

  @Test
  void codeIsUniqueAndImmutable() {
    String code = uniqueCode("dup");
    String id = (String) create(body(code, "1", true)).get("id");
    http.post()
        .uri("/api/v1/plans")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body(code, "2", true))
        .exchange()
        .expectStatus()
        .isEqualTo(409)
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://kaleem.io/problems/conflict");
    http.patch()
        .uri("/api/v1/plans/{id}", id)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("code", "other"))
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://kaleem.io/problems/malformed-request")
        .jsonPath("$.detail")
        .value(d -> assertThat((String) d).contains("code"));
  }

  @Test
  void listsFiltersSortsAndSearches() {
    String tag = new ObjectId().toHexString().substring(12);
    String cheap = (String) create(body("zcheap" + tag, "10", true)).get("id");
    String dear = (String) create(body("zdear" + tag, "500", true)).get("id");
    String off = (String) create(body("zoff" + tag, "1", false)).get("id");

    http.get()
        .uri("/api/v1/plans?active=true&sort=price&limit=100")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.data[*].active")
        .value(a -> assertThat(asList(a)).containsOnly(true))
        .jsonPath("$.data[*].id")
        .value(
            ids -> {
              List<Object> l = asList(ids);
              assertThat(l).contains(cheap, dear).doesNotContain(off);
              assertThat(l.indexOf(cheap)).isLessThan(l.indexOf(dear));
            });
    http.get()
        .uri("/api/v1/plans?active=false&limit=100")
        .exchange()
        .expectBody()
        .jsonPath("$.data[*].id")
        .value(ids -> assertThat(asList(ids)).contains(off).doesNotContain(cheap));
    http.get()
        .uri("/api/v1/plans?limit=100")
        .exchange()
        .expectBody()
        .jsonPath("$.data[*].id")
        .value(
            ids -> {
              List<Object> l = asList(ids);
              assertThat(l).contains(cheap, dear, off);
              assertThat(l.indexOf(off)).isLessThan(l.indexOf(cheap)); // newest first
            });
    http.get()
        .uri(u -> u.path("/api/v1/plans").queryParam("q", "zdear" + tag).build())
        .exchange()
        .expectBody()
        .jsonPath("$.data.length()")
        .isEqualTo(1)
        .jsonPath("$.data[0].id")
        .isEqualTo(dear);
    http.get()
        .uri(u -> u.path("/api/v1/plans").queryParam("q", "باقه").queryParam("limit", 100).build())
        .exchange()
        .expectBody()
        .jsonPath("$.data[*].id")
        .value(ids -> assertThat(asList(ids)).contains(cheap, dear, off));
  }

  @Test
  void paginatesWithCursors() {
    for (int i = 0; i < 3; i++) {
      create(body(uniqueCode("page"), "5", true));
    }
    var first =
        http.get()
            .uri("/api/v1/plans?limit=2")
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    @SuppressWarnings("unchecked")
    Map<String, Object> page = (Map<String, Object>) first.get("page");
    assertThat(page).containsEntry("hasNext", true);
    http.get()
        .uri(u -> u.path("/api/v1/plans").queryParam("after", page.get("nextCursor")).build())
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.page.hasPrev")
        .isEqualTo(true);
  }

  @Test
  @SuppressWarnings("unchecked")
  void rejectsBadInput() {
    http.post()
        .uri("/api/v1/plans")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(
            Map.of(
                "code",
                "Bad Code",
                "name",
                Map.of(),
                "price",
                -1,
                "currency",
                "SAR",
                "limits",
                Map.of("products", -1, "requestsPerMinute", 0)))
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://kaleem.io/problems/validation")
        .jsonPath("$.errors[*].field")
        .value(
            f ->
                assertThat((List<Object>) f)
                    .contains(
                        "code",
                        "name.present",
                        "price",
                        "interval",
                        "limits.products",
                        "limits.requestsPerMinute",
                        "limits.staff"));

    var bad = new java.util.HashMap<>(body(uniqueCode("cur"), "1.234", true));
    http.post()
        .uri("/api/v1/plans")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(bad)
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.errors[0].field")
        .isEqualTo("price");
    bad.put("price", 1);
    bad.put("currency", "XXX");
    http.post()
        .uri("/api/v1/plans")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(bad)
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.errors[0].field")
        .isEqualTo("currency");
    bad.put("currency", "SAR");
    bad.put("interval", "WEEKLY");
    http.post()
        .uri("/api/v1/plans")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(bad)
        .exchange()
        .expectStatus()
        .isBadRequest();
    bad.put("interval", "YEARLY");
    bad.put("trialDays", 7);
    http.post()
        .uri("/api/v1/plans")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(bad)
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.detail")
        .value(d -> assertThat((String) d).contains("trialDays"));

    String existing = (String) create(body(uniqueCode("ok"), "1", true)).get("id");
    http.patch()
        .uri("/api/v1/plans/{id}", existing)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("price", -5, "limits", Map.of("products", 1), "name", Map.of("en", "")))
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://kaleem.io/problems/validation")
        .jsonPath("$.errors[*].field")
        .value(
            f ->
                assertThat(asList(f))
                    .contains("price", "limits.requestsPerMinute", "limits.staff", "name.present"));
    for (String field : List.of("currency", "interval")) {
      http.patch()
          .uri("/api/v1/plans/{id}", existing)
          .contentType(MediaType.APPLICATION_JSON)
          .bodyValue(Map.of(field, "USD"))
          .exchange()
          .expectStatus()
          .isBadRequest()
          .expectBody()
          .jsonPath("$.type")
          .isEqualTo("https://kaleem.io/problems/malformed-request");
    }

    for (var spec :
        List.of(
            http.get().uri("/api/v1/plans/not-an-id").exchange(),
            http.patch()
                .uri("/api/v1/plans/not-an-id")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("active", true))
                .exchange(),
            http.delete().uri("/api/v1/plans/not-an-id").exchange())) {
      spec.expectStatus()
          .isBadRequest()
          .expectBody()
          .jsonPath("$.errors[0].field")
          .isEqualTo("planId");
    }
    http.get()
        .uri("/api/v1/plans/{id}", "0123456789abcdef01234567")
        .exchange()
        .expectStatus()
        .isNotFound()
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://kaleem.io/problems/not-found");
    http.patch()
        .uri("/api/v1/plans/{id}", "0123456789abcdef01234567")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("active", true))
        .exchange()
        .expectStatus()
        .isNotFound();
    http.delete()
        .uri("/api/v1/plans/{id}", "0123456789abcdef01234567")
        .exchange()
        .expectStatus()
        .isNotFound();
    http.get()
        .uri("/api/v1/plans?sort=price")
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://kaleem.io/problems/unsupported-query");
    http.get()
        .uri("/api/v1/plans?active=true&q=basic")
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://kaleem.io/problems/unsupported-query");
    http.get()
        .uri("/api/v1/plans?sort=name")
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.errors[0].field")
        .isEqualTo("sort");
    http.get()
        .uri("/api/v1/plans?q=--")
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.errors[0].field")
        .isEqualTo("q");
  }
}
