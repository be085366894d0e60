package io.kaleem.api.pagination;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.Fixtures;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

@ApiTest
class CursorPaginationTest {

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;
  Fixtures fixtures;
  String merchant;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(http, mongo);
    merchant = fixtures.merchant();
  }

  private String create(String sku, int priceHalalas, int stock) {
    return (String)
        fixtures
            .product(
                merchant,
                Map.of(
                    "sku",
                    sku,
                    "name",
                    Map.of("en", "P " + sku),
                    "price",
                    BigDecimal.valueOf(priceHalalas, 2),
                    "currency",
                    "SAR",
                    "stock",
                    stock,
                    "status",
                    "ACTIVE"))
            .get("id");
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> page(Map<String, String> params) {
    return http.get()
        .uri(
            u -> {
              var b = u.path("/api/v1/merchants/{m}/products");
              params.forEach(b::queryParam);
              return b.build(merchant);
            })
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }

  @SuppressWarnings("unchecked")
  private static List<String> ids(Map<String, Object> page) {
    return ((List<Map<String, Object>>) page.get("data"))
        .stream().map(r -> (String) r.get("id")).toList();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> info(Map<String, Object> page) {
    return (Map<String, Object>) page.get("page");
  }

  /**
   * Walks every page, forward then backward, while other rows are inserted and deleted between
   * pages: rows that existed throughout are each seen exactly once, and nothing is seen twice.
   */
  @Test
  void randomizedWalksUnderConcurrentInsertsAndDeletesSeeStableRowsExactlyOnce() {
    Random random = new Random(20261125L);
    Set<String> stable = new HashSet<>();
    for (int i = 0; i < 120; i++) {
      // Few distinct prices and stocks: plenty of ties for the _id tie-breaker to settle.
      stable.add(create("S" + i, 100 * random.nextInt(6), random.nextInt(4)));
    }
    List<String> volatileRows = new ArrayList<>();
    int counter = 0;
    for (String sort : List.of("-createdAt", "createdAt", "price", "-price", "stock", "-stock")) {
      for (boolean forward : List.of(true, false)) {
        List<String> seen = new ArrayList<>();
        Map<String, String> params = new LinkedHashMap<>();
        params.put("sort", sort);
        params.put("limit", String.valueOf(1 + random.nextInt(25)));
        String cursorKey = forward ? "after" : "before";
        if (!forward) {
          // Reach the end first, then walk back from there.
          Map<String, Object> p = page(params);
          while (Boolean.TRUE.equals(info(p).get("hasNext"))) {
            params.put("after", (String) info(p).get("nextCursor"));
            p = page(params);
          }
          params.remove("after");
          List<String> lastPage = ids(p);
          seen.addAll(lastPage);
          if (info(p).get("prevCursor") == null) {
            assertThat(stable).isSubsetOf(new HashSet<>(seen));
            continue;
          }
          params.put("before", (String) info(p).get("prevCursor"));
        }
        for (int guard = 0; guard < 1000; guard++) {
          Map<String, Object> p = page(params);
          seen.addAll(ids(p));
          // Churn between pages: insert new rows and delete earlier volatile ones.
          for (int k = 0; k < 3; k++) {
            volatileRows.add(create("V" + counter++, 100 * random.nextInt(6), random.nextInt(4)));
          }
          if (volatileRows.size() > 4) {
            String victim = volatileRows.remove(random.nextInt(volatileRows.size()));
            http.delete()
                .uri("/api/v1/merchants/{m}/products/{id}", merchant, victim)
                .exchange()
                .expectStatus()
                .isNoContent();
          }
          String next = (String) info(p).get(forward ? "nextCursor" : "prevCursor");
          boolean more = (Boolean) info(p).get(forward ? "hasNext" : "hasPrev");
          assertThat(next == null).isEqualTo(!more);
          if (!more) {
            break;
          }
          params.put(cursorKey, next);
          params.put("limit", String.valueOf(1 + random.nextInt(25)));
        }
        assertThat(seen).as("no duplicates walking %s %s", sort, forward).doesNotHaveDuplicates();
        assertThat(new HashSet<>(seen))
            .as("every stable row seen walking %s %s", sort, forward)
            .containsAll(stable);
      }
    }
  }

  @Test
  void firstAndLastPagesSayWhichWaysHaveRows() {
    for (int i = 0; i < 5; i++) {
      create("P" + i, 100, 1);
    }
    Map<String, Object> first = page(Map.of("limit", "2"));
    assertThat(info(first))
        .containsEntry("limit", 2)
        .containsEntry("hasNext", true)
        .containsEntry("hasPrev", false)
        .containsEntry("prevCursor", null);
    Map<String, Object> second =
        page(Map.of("limit", "2", "after", (String) info(first).get("nextCursor")));
    assertThat(info(second)).containsEntry("hasNext", true).containsEntry("hasPrev", true);
    Map<String, Object> third =
        page(Map.of("limit", "2", "after", (String) info(second).get("nextCursor")));
    assertThat(ids(third)).hasSize(1);
    assertThat(info(third)).containsEntry("hasNext", false).containsEntry("nextCursor", null);
    Map<String, Object> back =
        page(Map.of("limit", "2", "before", (String) info(third).get("prevCursor")));
    assertThat(ids(back)).isEqualTo(ids(second));
  }

  @Test
  void cursorsAreTamperEvidentAndBoundToTheirQuery() {
    for (int i = 0; i < 3; i++) {
      create("T" + i, 100 * i, i);
    }
    String cursor = (String) info(page(Map.of("limit", "1", "sort", "price"))).get("nextCursor");

    expectBadCursor(Map.of("after", cursor, "sort", "-price"), "different query");
    expectBadCursor(Map.of("after", cursor, "sort", "price", "status", "DRAFT"), "different query");
    expectBadCursor(Map.of("after", cursor.substring(1), "sort", "price"), "");
    expectBadCursor(Map.of("after", "garbage", "sort", "price"), "");
    expectBadCursor(Map.of("after", "", "sort", "price"), "");
    char[] chars = cursor.toCharArray();
    chars[3] = chars[3] == 'A' ? 'B' : 'A';
    expectBadCursor(Map.of("after", new String(chars), "sort", "price"), "");

    // Both cursors at once is one too many (docs/CURSOR_PAGINATION.md), not a silent backward page.
    String previous =
        (String)
            info(page(Map.of("limit", "1", "sort", "price", "after", cursor))).get("prevCursor");
    http.get()
        .uri(
            u ->
                u.path("/api/v1/merchants/{m}/products")
                    .queryParam("after", cursor)
                    .queryParam("before", previous)
                    .queryParam("sort", "price")
                    .build(merchant))
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody(String.class)
        .value(b -> assertThat(b).contains("before").contains("after"));

    // A cursor minted for one merchant is refused on another merchant's list.
    String other = fixtures.merchant();
    http.get()
        .uri(
            u ->
                u.path("/api/v1/merchants/{m}/products")
                    .queryParam("after", cursor)
                    .queryParam("sort", "price")
                    .build(other))
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://kaleem.io/problems/invalid-cursor");
  }

  private void expectBadCursor(Map<String, String> params, String detailContains) {
    http.get()
        .uri(
            u -> {
              var b = u.path("/api/v1/merchants/{m}/products");
              params.forEach(b::queryParam);
              return b.build(merchant);
            })
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://kaleem.io/problems/invalid-cursor")
        .jsonPath("$.detail")
        .value(d -> assertThat((String) d).contains(detailContains));
  }

  @Test
  void rejectsOutOfRangeLimitsUnknownSortsAndUnindexedCombinations() {
    for (String limit : List.of("0", "101", "-3")) {
      http.get()
          .uri(
              u ->
                  u.path("/api/v1/merchants/{m}/products")
                      .queryParam("limit", limit)
                      .build(merchant))
          .exchange()
          .expectStatus()
          .isBadRequest()
          .expectBody()
          .jsonPath("$.errors[0].field")
          .isEqualTo("limit");
    }
    http.get()
        .uri(
            u ->
                u.path("/api/v1/merchants/{m}/products").queryParam("limit", "ten").build(merchant))
        .exchange()
        .expectStatus()
        .isBadRequest();
    http.get()
        .uri(
            u ->
                u.path("/api/v1/merchants/{m}/products").queryParam("sort", "name").build(merchant))
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.errors[0].field")
        .isEqualTo("sort");
    http.get()
        .uri(
            u ->
                u.path("/api/v1/merchants/{m}/products")
                    .queryParam("tag", "x")
                    .queryParam("sort", "price")
                    .build(merchant))
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://kaleem.io/problems/unsupported-query");
    http.get()
        .uri(
            u ->
                u.path("/api/v1/merchants/{m}/products")
                    .queryParam("after", "a")
                    .queryParam("before", "b")
                    .build(merchant))
        .exchange()
        .expectStatus()
        .isBadRequest();
  }
}
