package io.kaleem.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.header.CacheControlServerHttpHeadersWriter;
import org.springframework.security.web.server.header.CompositeServerHttpHeadersWriter;
import org.springframework.security.web.server.header.ContentSecurityPolicyServerHttpHeadersWriter;
import org.springframework.security.web.server.header.ContentTypeOptionsServerHttpHeadersWriter;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter;
import org.springframework.security.web.server.header.ServerHttpHeadersWriter;
import org.springframework.security.web.server.header.XFrameOptionsServerHttpHeadersWriter;
import org.springframework.security.web.server.header.XXssProtectionServerHttpHeadersWriter;
import org.springframework.web.server.ServerWebExchange;

/** The same headers as Spring Security's writers configured as the API configured them. */
class SecurityHeadersTest {

  static ServerHttpHeadersWriter springSecurity() {
    XFrameOptionsServerHttpHeadersWriter frames = new XFrameOptionsServerHttpHeadersWriter();
    frames.setMode(XFrameOptionsServerHttpHeadersWriter.Mode.DENY);
    ContentSecurityPolicyServerHttpHeadersWriter csp =
        new ContentSecurityPolicyServerHttpHeadersWriter();
    csp.setPolicyDirectives("frame-ancestors 'none'");
    ReferrerPolicyServerHttpHeadersWriter referrer = new ReferrerPolicyServerHttpHeadersWriter();
    referrer.setPolicy(ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy.NO_REFERRER);
    return new CompositeServerHttpHeadersWriter(
        new CacheControlServerHttpHeadersWriter(),
        new ContentTypeOptionsServerHttpHeadersWriter(),
        frames,
        new XXssProtectionServerHttpHeadersWriter(),
        csp,
        referrer);
  }

  static HttpHeaders written(boolean ours, Consumer<ServerWebExchange> before) {
    ServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/"));
    before.accept(exchange);
    if (ours) {
      SecurityHeaders.write(exchange.getResponse());
    } else {
      springSecurity().writeHttpHeaders(exchange).block();
    }
    return exchange.getResponse().getHeaders();
  }

  @Test
  void writesWhatSpringSecurityWritesInEveryCase() {
    List<Consumer<ServerWebExchange>> cases =
        List.of(
            e -> {},
            e -> e.getResponse().setStatusCode(HttpStatus.NOT_MODIFIED),
            e -> e.getResponse().getHeaders().setCacheControl("max-age=60"),
            e -> e.getResponse().getHeaders().set(HttpHeaders.EXPIRES, "Thu, 01 Jan 2026"),
            e -> e.getResponse().getHeaders().set("X-Frame-Options", "SAMEORIGIN"),
            e -> e.getResponse().getHeaders().set("Content-Security-Policy", "default-src 'self'"));
    for (Consumer<ServerWebExchange> c : cases) {
      HttpHeaders expected = written(false, c);
      HttpHeaders actual = written(true, c);
      assertThat(actual.toSingleValueMap()).isEqualTo(expected.toSingleValueMap());
    }
    assertThat(written(true, e -> {}).getFirst("X-Content-Type-Options")).isEqualTo("nosniff");
  }
}
