package io.kaleem.api.observability.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.Eventually;
import io.kaleem.api.support.Tokens;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.test.web.reactive.server.WebTestClient;

@ApiTest
class ErrorMonitoringTest {

  @Autowired WebTestClient http;
  @Autowired Tokens tokens;

  @Test
  @SuppressWarnings("unchecked")
  void recentErrorsNameTypeRouteStatusAndRequestWithSecretsRedacted() {
    String id = "err-" + UUID.randomUUID();
    // A JWT in a refused query parameter name: the problem's detail repeats the name.
    String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl";
    http.get()
        .uri("/api/v1/plans?x." + jwt + "=1")
        .header("X-Request-Id", id)
        .exchange()
        .expectStatus()
        .isBadRequest();

    Eventually.assertThat(
        () ->
            assertThat(
                    (List<Map<String, Object>>)
                        get("/monitoring/errors/recent?limit=1000").get("items"))
                .anyMatch(e -> id.equals(e.get("requestId"))));
    Map<String, Object> body = get("/monitoring/errors/recent?limit=1000");
    List<Map<String, Object>> items = (List<Map<String, Object>>) body.get("items");
    Map<String, Object> mine =
        items.stream().filter(e -> id.equals(e.get("requestId"))).findFirst().orElseThrow();
    assertThat(mine)
        .containsEntry("type", "validation")
        .containsEntry("status", 400)
        .containsEntry("method", "GET")
        .containsEntry("route", "/api/v1/plans")
        .containsKey("time");
    assertThat((String) mine.get("message")).contains("[REDACTED]").doesNotContain(jwt);
    // Newest first.
    assertThat(items.get(0).get("requestId")).isEqualTo(id);
  }

  @Test
  @SuppressWarnings("unchecked")
  void summaryGroupsByTypeAndRouteWithCountsAndFirstAndLastSeen() {
    for (int i = 0; i < 3; i++) {
      http.get().uri("/api/v1/no-such-thing/" + i).exchange().expectStatus().isNotFound();
    }
    Eventually.assertThat(
        () -> assertThat(unmatched(get("/monitoring/errors/summary"))).isGreaterThanOrEqualTo(3));
    Map<String, Object> body = get("/monitoring/errors/summary");
    List<Map<String, Object>> groups = (List<Map<String, Object>>) body.get("groups");
    Map<String, Object> unmatched =
        groups.stream()
            .filter(g -> "not-found".equals(g.get("type")) && "UNMATCHED".equals(g.get("route")))
            .findFirst()
            .orElseThrow();
    assertThat(unmatched).containsKeys("firstSeen", "lastSeen").containsEntry("status", 404);
    assertThat(((Number) body.get("total")).longValue())
        .isGreaterThanOrEqualTo(((Number) unmatched.get("count")).longValue());
  }

  @Test
  void onlyPlatformAdminsMayReadErrors() {
    String merchant = "0123456789abcdef01234567";
    for (String path : List.of("/monitoring/errors/recent", "/monitoring/errors/summary")) {
      for (String token :
          List.of(
              tokens.owner(merchant).bearer(),
              tokens.staff(merchant).bearer(),
              tokens.customer().bearer(),
              tokens.support().bearer())) {
        http.get()
            .uri(path)
            .header(HttpHeaders.AUTHORIZATION, token)
            .exchange()
            .expectStatus()
            .isForbidden();
      }
      http.get().uri(path).header(Tokens.ANONYMOUS, "1").exchange().expectStatus().isUnauthorized();
    }
  }

  @Test
  void aLimitOutOfRangeIsAValidationProblem() {
    for (String limit : List.of("0", "1001", "many")) {
      http.get()
          .uri("/monitoring/errors/recent?limit=" + limit)
          .exchange()
          .expectStatus()
          .isBadRequest()
          .expectBody()
          .jsonPath("$.type")
          .isEqualTo("https://kaleem.io/problems/validation");
    }
  }

  /** Memory stays bounded: the recent list keeps its capacity, newest first. */
  @Test
  void theRecentListKeepsOnlyItsCapacity() {
    ErrorLog log = new ErrorLog(3, Clock.systemUTC());
    for (int i = 0; i < 10; i++) {
      var exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/x"));
      exchange.getAttributes().put("requestId", "r" + i);
      log.record(exchange, "GET", "/x", 500, "internal", null);
    }
    assertThat(log.recent(100))
        .extracting(ErrorLog.Entry::requestId)
        .containsExactly("r9", "r8", "r7");
    assertThat(log.summary()).singleElement().extracting(ErrorLog.Group::count).isEqualTo(10L);
  }

  @SuppressWarnings("unchecked")
  private static long unmatched(Map<String, Object> summary) {
    return ((List<Map<String, Object>>) summary.get("groups"))
        .stream()
            .filter(g -> "not-found".equals(g.get("type")) && "UNMATCHED".equals(g.get("route")))
            .mapToLong(g -> ((Number) g.get("count")).longValue())
            .sum();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> get(String path) {
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
