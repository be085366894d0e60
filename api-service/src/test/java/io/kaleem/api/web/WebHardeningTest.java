package io.kaleem.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.errors.ProblemWriter;
import io.kaleem.api.security.SecurityProperties;
import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.Tokens;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

@ApiTest
class WebHardeningTest {

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;
  @org.springframework.boot.test.web.server.LocalServerPort int port;

  @Test
  void securityHeadersOnEveryResponseAndHstsOnlyOverTls() {
    String merchant = new Fixtures(http, mongo).merchant();
    for (var spec :
        List.of(
            http.get().uri("/api/v1/merchants/{m}/products", merchant).exchange(),
            http.get()
                .uri("/api/v1/merchants/{m}/products", merchant)
                .header(Tokens.ANONYMOUS, "1")
                .exchange())) {
      spec.expectHeader()
          .valueEquals("X-Content-Type-Options", "nosniff")
          .expectHeader()
          .valueEquals("X-Frame-Options", "DENY")
          .expectHeader()
          .valueEquals("Content-Security-Policy", "frame-ancestors 'none'")
          .expectHeader()
          .valueEquals("Referrer-Policy", "no-referrer")
          .expectHeader()
          .valueEquals("Cache-Control", "no-store")
          .expectHeader()
          .doesNotExist("Strict-Transport-Security")
          .expectHeader()
          .exists("X-Request-Id");
    }
    http.get()
        .uri("/api/v1/merchants/{m}/products", merchant)
        .header("X-Forwarded-Proto", "https")
        .exchange()
        .expectHeader()
        .valueEquals("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  }

  @Test
  void everyResponseCarriesItsRateLimitBudget() {
    String merchant = new Fixtures(http, mongo).merchant();
    http.get()
        .uri("/api/v1/merchants/{m}/products", merchant)
        .exchange()
        .expectHeader()
        .valueEquals("RateLimit-Policy", "\"platform\";q=60000;w=60")
        .expectHeader()
        .valueMatches("RateLimit", "\"platform\";r=\\d+;t=\\d+");
    http.get()
        .uri("/api/v1/merchants/{m}/products", merchant)
        .header(Tokens.ANONYMOUS, "1")
        .exchange()
        .expectStatus()
        .isUnauthorized()
        .expectHeader()
        .valueMatches("RateLimit", "\"anonymous\";r=\\d+;t=\\d+");
  }

  @Test
  void operatorShapedQueryParametersAreRefused() {
    String merchant = new Fixtures(http, mongo).merchant();
    for (String query :
        List.of("q[$ne]=x", "$where=1", "status[$in]=ACTIVE", "a.b=1", "q%5B%24ne%5D=x")) {
      http.get()
          .uri(
              java.net.URI.create(
                  "http://localhost:"
                      + port
                      + "/api/v1/merchants/"
                      + merchant
                      + "/products?"
                      + query))
          .exchange()
          .expectStatus()
          .isBadRequest()
          .expectBody()
          .jsonPath("$.type")
          .isEqualTo("https://kaleem.io/problems/validation");
    }
    http.get()
        .uri("/api/v1/merchants/{m}/products?q=$ne", merchant)
        .exchange()
        .expectStatus()
        .isOk();
  }

  @Test
  void noCorsGrantByDefault() {
    http.get()
        .uri("/api/health/liveness")
        .header(HttpHeaders.ORIGIN, "https://evil.example")
        .exchange()
        .expectHeader()
        .doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
  }

  @Test
  void configuredOriginsAreGrantedOthersAreNot() {
    var source =
        io.kaleem.api.security.SecurityConfigurationAccess.cors(
            new SecurityProperties.Cors(List.of("https://shop.example")));
    var exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/plans").build());
    var cors = source.getCorsConfiguration(exchange);
    assertThat(cors.checkOrigin("https://shop.example")).isEqualTo("https://shop.example");
    assertThat(cors.checkOrigin("https://evil.example")).isNull();
    assertThat(cors.getExposedHeaders()).contains("RateLimit", "Retry-After", "X-Request-Id");
  }

  @Test
  void slowRequestsBecome503Problems() {
    var props = new SecurityProperties(null, null, null, null, Duration.ofSeconds(10));
    var filter = new RequestTimeoutFilter(new ProblemWriter(ServerCodecConfigurer.create()), props);
    var exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/slow").build());
    StepVerifier.withVirtualTime(() -> filter.filter(exchange, e -> Mono.never()))
        .thenAwait(Duration.ofSeconds(11))
        .verifyComplete();
    assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    assertThat(exchange.getResponse().getBodyAsString().block())
        .contains("https://kaleem.io/problems/service-unavailable");
  }

  /**
   * The firewall judges every header as Spring Security's strict firewall would, read or not: a C1
   * control character (0x85, which Netty's own header validation lets through) in a header no
   * handler reads is refused with 400. Raw bytes over a socket: HTTP clients refuse to send it.
   */
  @Test
  void aControlCharacterInAnUnreadHeaderIsRefused() throws Exception {
    assertThat(raw("/api/health/liveness", "X-Unread: plain")).startsWith("HTTP/1.1 200");
    assertThat(raw("/api/health/liveness", "X-Unread: a\u0085b")).startsWith("HTTP/1.1 400");
  }

  /** A refusal is a problem document with the security headers, naming the rule, not the value. */
  @Test
  void aFirewallRefusalIsAProblemWithTheSecurityHeaders() throws Exception {
    String answer = raw("/api/v1/plans;jsessionid=1", "X-Unread: plain");
    assertThat(answer)
        .startsWith("HTTP/1.1 400")
        .containsIgnoringCase("content-type: application/problem+json")
        .containsIgnoringCase("x-content-type-options: nosniff")
        .containsIgnoringCase("x-request-id: ")
        .contains("https://kaleem.io/problems/malformed-request")
        .contains("URL contained a potentially malicious String");
    assertThat(raw("/api/health/liveness", "X-Unread: secret\u0085value"))
        .contains("X-Unread")
        .doesNotContain("secret");
  }

  /**
   * Refusals made before the security filter (the query-parameter guard's 400, the body limit's
   * 413) and by Netty itself (414, 431, 400) carry the security headers and a request id.
   */
  @Test
  void everyRefusalCarriesTheSecurityHeadersAndARequestId() throws Exception {
    String merchant = new Fixtures(http, mongo).merchant();
    List<String> answers =
        List.of(
            raw("/api/v1/merchants/" + merchant + "/products?$where=1", "X-Unread: plain"),
            exchange(
                "POST /api/v1/plans HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
                    + "\r\nContent-Length: 2000000\r\nConnection: close\r\n\r\n"),
            exchange("GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            exchange(
                "GET /api/health/liveness HTTP/1.1\r\nHost: localhost\r\nX-Big: "
                    + "b".repeat(20_000)
                    + "\r\n\r\n"),
            exchange("G(T /api/health/liveness HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    List<String> statuses = List.of("400", "413", "414", "431", "400");
    for (int i = 0; i < answers.size(); i++) {
      assertThat(answers.get(i))
          .as("answer %d", i)
          .startsWith("HTTP/1.1 " + statuses.get(i))
          .containsIgnoringCase("x-content-type-options: nosniff")
          .containsIgnoringCase("x-frame-options: DENY")
          .containsIgnoringCase("cache-control: no-store")
          .containsIgnoringCase("x-request-id: ");
    }
  }

  /** The whole answer to {@code request}, sent as raw bytes; the server ends the connection. */
  private String exchange(String request) throws Exception {
    try (var socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return new String(
          socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
    }
  }

  /** The whole answer to a GET of {@code path} with one extra header line, sent as raw bytes. */
  private String raw(String path, String header) throws Exception {
    try (var socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      String request =
          "GET "
              + path
              + " HTTP/1.1\r\nHost: localhost\r\n"
              + header
              + "\r\nConnection: close\r\n\r\n";
      socket
          .getOutputStream()
          .write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return new String(
          socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
    }
  }
}
