package io.kaleem.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.Tokens;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

@ApiTest
class PlatformEndpointsTest {

  @Autowired WebTestClient http;

  @Autowired
  @org.springframework.beans.factory.annotation.Qualifier("requestMappingHandlerMapping")
  RequestMappingHandlerMapping mappings;

  @Test
  void healthEndpointsAnswerWithReadinessNeedingTheDatabase() {
    http.get().uri("/api/health").exchange().expectStatus().isOk();
    http.get()
        .uri("/api/health/liveness")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("UP");
    http.get()
        .uri("/api/health/readiness")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("UP");
  }

  /** The OpenAPI document lists every route the application maps under /api/v1. */
  @Test
  @SuppressWarnings("unchecked")
  void openApiDocumentListsEveryRoute() {
    Map<String, Object> doc =
        http.get()
            .uri("/api/openapi")
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) doc.get("paths");
    int checked = 0;
    for (RequestMappingInfo info : mappings.getHandlerMethods().keySet()) {
      for (var pattern : info.getPatternsCondition().getPatterns()) {
        String path = pattern.getPatternString();
        if (!path.startsWith("/api/v1/")) {
          continue;
        }
        assertThat(paths).as("OpenAPI documents %s", path).containsKey(path);
        for (var method : info.getMethodsCondition().getMethods()) {
          assertThat(paths.get(path))
              .as("OpenAPI documents %s %s", method, path)
              .containsKey(method.name().toLowerCase(java.util.Locale.ROOT));
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThan(8);
    http.get().uri("/api/docs").exchange().expectStatus().is3xxRedirection();
  }

  /**
   * The document's server is the configured public URL, never the request's Host (Swagger UI's "Try
   * it out" sends the bearer token there), and it declares the bearer scheme the UI authorises
   * with. The UI's redirect leads to a page that loads, not to a 401.
   */
  @Test
  @SuppressWarnings("unchecked")
  void openApiNamesThePublicServerAndTheBearerSchemeAndTheUiLoads() {
    Map<String, Object> doc =
        http.get()
            .uri("/api/openapi")
            .header("Host", "evil.example")
            .header("X-Forwarded-Host", "evil.example")
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    List<Map<String, Object>> servers = (List<Map<String, Object>>) doc.get("servers");
    assertThat(servers).extracting(m -> m.get("url")).containsExactly("https://api.kaleem.test");
    Map<String, Object> schemes =
        (Map<String, Object>) ((Map<String, Object>) doc.get("components")).get("securitySchemes");
    assertThat((Map<String, Object>) schemes.get("bearer"))
        .containsEntry("type", "http")
        .containsEntry("scheme", "bearer")
        .containsEntry("bearerFormat", "JWT");
    assertThat((List<Object>) doc.get("security")).isNotEmpty();

    String location =
        http.get()
            .uri("/api/docs")
            .exchange()
            .expectStatus()
            .is3xxRedirection()
            .returnResult(Void.class)
            .getResponseHeaders()
            .getLocation()
            .toString();
    // Public like /api/docs itself, and served under BlockHound: the page and its assets are read
    // from the swagger-ui jar off the event loop (SwaggerUiOffEventLoop).
    String page =
        http.get()
            .uri(location)
            .header(Tokens.ANONYMOUS, "1")
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    assertThat(page).contains("swagger-ui-bundle.js");
  }

  /**
   * The UI's largest asset (over a megabyte, so Netty asks for its body in many reads of the jar)
   * arrives whole under BlockHound: every read happens off the event loop.
   */
  @Test
  void swaggerUiAssetsAreServedWhole() {
    // Counted as it streams: the client's in-memory limit (1 MiB) is below the asset's size.
    Long bytes =
        http.get()
            .uri("/webjars/swagger-ui/swagger-ui-bundle.js")
            .header(Tokens.ANONYMOUS, "1")
            .exchange()
            .expectStatus()
            .isOk()
            .returnResult(DataBuffer.class)
            .getResponseBody()
            .map(
                buffer -> {
                  long n = buffer.readableByteCount();
                  DataBufferUtils.release(buffer);
                  return n;
                })
            .reduce(0L, Long::sum)
            .block(Duration.ofSeconds(30));
    assertThat(bytes).isGreaterThan(1_000_000L);
  }

  @Test
  void frameworkErrorsAreProblemDetailsToo() {
    http.get()
        .uri("/api/v1/no-such-thing")
        .exchange()
        .expectStatus()
        .isNotFound()
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://kaleem.io/problems/not-found");
    http.put()
        .uri("/api/v1/merchants/0123456789abcdef01234567/products")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{}")
        .exchange()
        .expectStatus()
        .isEqualTo(405)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://kaleem.io/problems/method-not-allowed");
    http.post()
        .uri("/api/v1/merchants/0123456789abcdef01234567/products")
        .contentType(MediaType.TEXT_PLAIN)
        .bodyValue("sku=1")
        .exchange()
        .expectStatus()
        .isEqualTo(415)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://kaleem.io/problems/unsupported-media-type");
    http.post()
        .uri("/api/v1/merchants/0123456789abcdef01234567/products")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"sku\": ")
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://kaleem.io/problems/malformed-request");
  }
}
