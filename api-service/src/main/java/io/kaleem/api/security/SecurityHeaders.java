package io.kaleem.api.security;

import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The security headers of every response, the set OWASP's REST Security Cheat Sheet asks of a JSON
 * API: each one unless the handler set it, and no {@code Cache-Control} on a 304 (it would replace
 * what the cache holds). Not sent: {@code Pragma} and {@code Expires}, HTTP/1.0 cache headers that
 * {@code Cache-Control: no-store} supersedes (RFC 9111), and {@code X-XSS-Protection}, a browser
 * HTML filter that OWASP asks to leave unset. HSTS is written by {@code RequestIdFilter} for
 * requests that came over TLS, trusting the ingress's {@code X-Forwarded-Proto}.
 */
public final class SecurityHeaders {

  public static final Map<String, String> EACH =
      Map.of(
          "X-Content-Type-Options", "nosniff",
          "X-Frame-Options", "DENY",
          "Content-Security-Policy", "frame-ancestors 'none'",
          "Referrer-Policy", "no-referrer");

  public static final String NO_STORE = "no-store";

  private SecurityHeaders() {}

  /**
   * Writes the headers on {@code exchange}'s response when it commits, whatever answers it: the
   * first filter registers this, so refusals by the filters before security get them too.
   */
  public static void onCommit(ServerWebExchange exchange) {
    exchange
        .getResponse()
        .beforeCommit(
            () -> {
              write(exchange.getResponse());
              return Mono.empty();
            });
  }

  static void write(ServerHttpResponse response) {
    HttpHeaders headers = response.getHeaders();
    EACH.forEach(
        (name, value) -> {
          if (!headers.containsHeader(name)) {
            headers.set(name, value);
          }
        });
    if (response.getStatusCode() != HttpStatus.NOT_MODIFIED
        && !headers.containsHeader(HttpHeaders.CACHE_CONTROL)) {
      headers.set(HttpHeaders.CACHE_CONTROL, NO_STORE);
    }
  }
}
