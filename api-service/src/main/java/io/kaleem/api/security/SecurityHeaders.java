package io.kaleem.api.security;

import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The security headers of every response, the set OWASP's REST Security Cheat Sheet asks of a JSON
 * API: each one unless the handler set it, and no {@code Cache-Control} on a 304 (it would replace
 * what the cache holds). Not sent: {@code Pragma} and {@code Expires}, HTTP/1.0 cache headers that
 * {@code Cache-Control: no-store} supersedes (RFC 9111), and {@code X-XSS-Protection}, a browser
 * HTML filter that OWASP asks to leave unset. HSTS only on requests that came over TLS (trusting
 * the ingress's {@code X-Forwarded-Proto}): a browser ignores it over plain HTTP (RFC 6797 8.1).
 */
public final class SecurityHeaders {

  public static final Map<String, String> EACH =
      Map.of(
          "X-Content-Type-Options", "nosniff",
          "X-Frame-Options", "DENY",
          "Content-Security-Policy", "frame-ancestors 'none'",
          "Referrer-Policy", "no-referrer");

  public static final String NO_STORE = "no-store";

  static final String HSTS = "Strict-Transport-Security";
  static final String HSTS_VALUE = "max-age=31536000; includeSubDomains";

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
              write(exchange);
              return Mono.empty();
            });
  }

  static void write(ServerWebExchange exchange) {
    ServerHttpResponse response = exchange.getResponse();
    HttpHeaders headers = response.getHeaders();
    if (overTls(exchange.getRequest()) && !headers.containsHeader(HSTS)) {
      headers.set(HSTS, HSTS_VALUE);
    }
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

  private static boolean overTls(ServerHttpRequest request) {
    return request.getSslInfo() != null
        || "https".equalsIgnoreCase(request.getURI().getScheme())
        || "https".equalsIgnoreCase(request.getHeaders().getFirst("X-Forwarded-Proto"));
  }
}
