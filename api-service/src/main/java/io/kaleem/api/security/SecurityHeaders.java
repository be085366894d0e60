package io.kaleem.api.security;

import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.web.server.header.CacheControlServerHttpHeadersWriter;

/**
 * The security headers of every response, with the values and rules of Spring Security's header
 * writers as {@code SecurityConfiguration} used to configure them: each header unless the handler
 * set it; the three cache headers together, unless one is already set or the answer is a 304. One
 * synchronous call: Spring Security's composite writer runs its writers as a reactive stream, which
 * cost ~10 µs per request. HSTS is written by {@code RequestIdFilter} for requests that came over
 * TLS, trusting the ingress's {@code X-Forwarded-Proto}.
 */
final class SecurityHeaders {

  private static final Map<String, String> EACH =
      Map.of(
          "X-Content-Type-Options", "nosniff",
          "X-Frame-Options", "DENY",
          "X-XSS-Protection", "0",
          "Content-Security-Policy", "frame-ancestors 'none'",
          "Referrer-Policy", "no-referrer");

  private static final Map<String, String> CACHE =
      Map.of(
          HttpHeaders.CACHE_CONTROL, CacheControlServerHttpHeadersWriter.CACHE_CONTROL_VALUE,
          HttpHeaders.PRAGMA, CacheControlServerHttpHeadersWriter.PRAGMA_VALUE,
          HttpHeaders.EXPIRES, CacheControlServerHttpHeadersWriter.EXPIRES_VALUE);

  private SecurityHeaders() {}

  static void write(ServerHttpResponse response) {
    HttpHeaders headers = response.getHeaders();
    EACH.forEach(
        (name, value) -> {
          if (!headers.containsHeader(name)) {
            headers.set(name, value);
          }
        });
    if (response.getStatusCode() != HttpStatus.NOT_MODIFIED && noneSet(headers, CACHE)) {
      CACHE.forEach(headers::set);
    }
  }

  private static boolean noneSet(HttpHeaders headers, Map<String, String> names) {
    for (String name : names.keySet()) {
      if (headers.containsHeader(name)) {
        return false;
      }
    }
    return true;
  }
}
