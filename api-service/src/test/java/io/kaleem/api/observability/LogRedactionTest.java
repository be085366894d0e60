package io.kaleem.api.observability;

import static net.logstash.logback.argument.StructuredArguments.kv;
import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.LogSink;
import io.kaleem.api.support.Tokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What reaches stdout: one JSON object per line, request ids on request lines, and none of the
 * secrets a request or the code handled (passwords, access and refresh tokens, Authorization,
 * cookies, card numbers), whether logged as message text, fields or nested objects.
 */
@ApiTest
@ExtendWith(OutputCaptureExtension.class)
class LogRedactionTest {

  private static final Logger log = LoggerFactory.getLogger(LogRedactionTest.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  static final String PASSWORD = "Sup3r-Secret-Passw0rd";
  static final String CARD = "4111 1111 1111 1111";
  static final String CARD_DASHED = "5500-0000-0000-0004";
  static final String COOKIE = "session=cookie-value-9f8e7d";
  static final String LUHN_UUID = "3f2b8a2e-8c1d-4e55-8002-400000005002";
  static final String LUHN_REQUEST_ID = "req-378282246310005";

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;

  @SuppressWarnings("unchecked")
  Map<String, Object> post(String path, Object body, String requestId) {
    return http.post()
        .uri(path)
        .header(Tokens.ANONYMOUS, "1")
        .header("X-Request-Id", requestId)
        .header(HttpHeaders.COOKIE, COOKIE)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body)
        .exchange()
        .expectHeader()
        .valueEquals("X-Request-Id", requestId)
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }

  @Test
  void secretsNeverReachTheLogAndEveryLineIsJsonWithItsRequestId(CapturedOutput output) {
    String email = "log-" + new ObjectId().toHexString() + "@example.com";
    Map<String, Object> session =
        post(
            "/api/v1/auth/register",
            Map.of("email", email, "password", PASSWORD, "name", "Log", "accountType", "CUSTOMER"),
            "req-register-1");
    String access = (String) session.get("accessToken");
    String refresh = (String) session.get("refreshToken");
    post("/api/v1/auth/login", Map.of("email", email, "password", PASSWORD), "req-login-1");
    // Rotation, then replaying the spent token: the service logs the reuse.
    post("/api/v1/auth/refresh", Map.of("refreshToken", refresh), "req-refresh-1");
    post("/api/v1/auth/refresh", Map.of("refreshToken", refresh), "req-reuse-1");

    String merchant = new Fixtures(http, mongo).merchant();
    http.get()
        .uri("/api/v1/merchants/{m}/products?q={q}", merchant, CARD)
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + access)
        .header(HttpHeaders.COOKIE, COOKIE)
        .header("X-Request-Id", "req-products-1")
        .exchange()
        .expectStatus()
        .isOk();
    http.get()
        .uri("/api/health/liveness")
        .header("X-Request-Id", LUHN_REQUEST_ID)
        .exchange()
        .expectHeader()
        .valueEquals("X-Request-Id", LUHN_REQUEST_ID);

    // Code that logs carelessly is redacted all the same.
    log.info(
        "careless: body {\"password\":\"{}\",\"card\":\"{}\"} Authorization: Bearer {} Cookie: {}",
        PASSWORD,
        CARD,
        access,
        COOKIE,
        kv("refreshToken", refresh),
        kv(
            "request",
            Map.of("headers", Map.of("Authorization", "Bearer " + access, "Cookie", COOKIE))),
        kv("payment", Map.of("cardNumber", CARD_DASHED, "note", "pan=" + CARD_DASHED)),
        kv("password", PASSWORD));
    log.warn("failure", new IllegalStateException("charge failed for cardNumber=" + CARD_DASHED));
    // Ids are not card numbers, even when they hold a Luhn-valid digit run.
    log.info("stored order {}", LUHN_UUID);
    // Lines are written by the asynchronous appender's thread: read stdout once it has caught up.
    LogSink.awaitWritten();

    List<JsonNode> lines = new ArrayList<>();
    for (String line : output.getOut().split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      lines.add(JSON.readTree(line));
    }
    String all = output.getAll();
    for (String secret :
        List.of(
            PASSWORD,
            access,
            refresh,
            "cookie-value-9f8e7d",
            CARD,
            CARD.replace(" ", ""),
            CARD_DASHED,
            access.substring(0, 40))) {
      assertThat(all).as("log output leaks a secret").doesNotContain(secret);
    }
    assertThat(all).contains("[REDACTED]");

    assertThat(all).contains("stored order " + LUHN_UUID);
    for (String id :
        List.of(
            "req-register-1",
            "req-login-1",
            "req-refresh-1",
            "req-reuse-1",
            "req-products-1",
            LUHN_REQUEST_ID)) {
      JsonNode accessLine =
          lines.stream()
              .filter(n -> n.path("logger").asString("").equals("io.kaleem.api.access"))
              .filter(n -> n.path("requestId").asString("").equals(id))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no access log line for " + id));
      assertThat(accessLine.has("timestamp")).isTrue();
      assertThat(accessLine.path("level").asString()).isEqualTo("INFO");
      assertThat(accessLine.has("method")).isTrue();
      assertThat(accessLine.has("route")).isTrue();
      assertThat(accessLine.has("status")).isTrue();
      assertThat(accessLine.has("durationMs")).isTrue();
    }
    JsonNode products =
        lines.stream()
            .filter(n -> n.path("requestId").asString("").equals("req-products-1"))
            .findFirst()
            .orElseThrow();
    assertThat(products.path("route").asString())
        .isEqualTo("/api/v1/merchants/{merchantId}/products");
    assertThat(products.path("userId").asString())
        .isEqualTo(session.get("user") instanceof Map<?, ?> u ? u.get("id") : null);
    // A line logged by a service deep inside the request carries the request id too.
    assertThat(lines)
        .anyMatch(
            n ->
                n.path("message").asString("").startsWith("Refresh token reuse")
                    && n.path("requestId").asString("").equals("req-reuse-1"));
  }

  @Test
  void malformedRequestIdsAreReplaced() {
    for (String bad : List.of("x".repeat(65), "has space", "semi;colon", "ünicode")) {
      String returned =
          http.get()
              .uri("/api/health/liveness")
              .header("X-Request-Id", bad)
              .exchange()
              .expectStatus()
              .isOk()
              .returnResult(byte[].class)
              .getResponseHeaders()
              .getFirst("X-Request-Id");
      assertThat(returned).isNotEqualTo(bad).matches("[A-Za-z0-9._-]{1,64}");
    }
    http.get()
        .uri("/api/health/liveness")
        .header("X-Request-Id", "abc.DEF_123-x")
        .exchange()
        .expectHeader()
        .valueEquals("X-Request-Id", "abc.DEF_123-x");
  }
}
