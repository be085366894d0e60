package io.kaleem.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;

/** OWASP's REST header set, each header yielding to a value the handler chose. */
class SecurityHeadersTest {

  static Map<String, String> written(Consumer<ServerWebExchange> handler) {
    return written(MockServerHttpRequest.get("/"), handler);
  }

  static Map<String, String> written(
      MockServerHttpRequest.BaseBuilder<?> request, Consumer<ServerWebExchange> handler) {
    ServerWebExchange exchange = MockServerWebExchange.from(request);
    handler.accept(exchange);
    SecurityHeaders.write(exchange);
    return exchange.getResponse().getHeaders().toSingleValueMap();
  }

  @Test
  void hstsGoesWithTheOtherHeadersOnlyOverTls() {
    String hsts = "Strict-Transport-Security";
    assertThat(written(e -> {})).doesNotContainKey(hsts);
    assertThat(
            written(
                MockServerHttpRequest.get("/").header("X-Forwarded-Proto", "https"),
                e -> e.getResponse().setStatusCode(HttpStatus.TOO_MANY_REQUESTS)))
        .containsEntry(hsts, "max-age=31536000; includeSubDomains")
        .containsEntry("X-Content-Type-Options", "nosniff");
    assertThat(written(MockServerHttpRequest.get("https://api.example/"), e -> {}))
        .containsEntry(hsts, "max-age=31536000; includeSubDomains");
  }

  @Test
  void aPlainAnswerGetsExactlyTheRestSet() {
    assertThat(written(e -> {}))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "X-Content-Type-Options",
                "nosniff",
                "X-Frame-Options",
                "DENY",
                "Content-Security-Policy",
                "frame-ancestors 'none'",
                "Referrer-Policy",
                "no-referrer",
                HttpHeaders.CACHE_CONTROL,
                "no-store"));
  }

  @Test
  void aHandlersOwnValueIsKept() {
    assertThat(written(e -> e.getResponse().getHeaders().setCacheControl("max-age=60")))
        .containsEntry(HttpHeaders.CACHE_CONTROL, "max-age=60");
    assertThat(written(e -> e.getResponse().getHeaders().set("X-Frame-Options", "SAMEORIGIN")))
        .containsEntry("X-Frame-Options", "SAMEORIGIN")
        .containsEntry("Content-Security-Policy", "frame-ancestors 'none'");
    assertThat(
            written(
                e ->
                    e.getResponse()
                        .getHeaders()
                        .set("Content-Security-Policy", "default-src 'self'")))
        .containsEntry("Content-Security-Policy", "default-src 'self'")
        .containsEntry("X-Frame-Options", "DENY");
  }

  @Test
  void aNotModifiedAnswerKeepsTheCachedCacheControl() {
    Map<String, String> headers =
        written(e -> e.getResponse().setStatusCode(HttpStatus.NOT_MODIFIED));
    assertThat(headers).doesNotContainKey(HttpHeaders.CACHE_CONTROL);
    assertThat(headers).containsEntry("X-Content-Type-Options", "nosniff");
  }
}
