package io.kaleem.api.security;

import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;

/**
 * The bearer token of a request's {@code Authorization} header (RFC 6750 §2.1), read exactly as
 * Spring Security's {@code ServerBearerTokenAuthenticationConverter} reads it: no header or another
 * scheme is no token, a malformed bearer header is refused. The same character rule as that
 * converter's regular expression, checked by a loop ({@code BearerTokenTest} compares the two on
 * generated headers; docs/SECURITY.md, "Cost").
 */
final class BearerToken {

  private static final String SCHEME = "bearer";
  private static final String TOKEN68_SYMBOLS = "-._~+/";

  private BearerToken() {}

  /** The token, or null when the request carries no bearer credentials. */
  static String from(HttpHeaders headers) {
    String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
    if (authorization == null
        || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return null;
    }
    int start = SCHEME.length() + 1;
    if (authorization.length() <= start || authorization.charAt(start - 1) != ' ') {
      throw malformed();
    }
    int end = authorization.length();
    while (end > start && authorization.charAt(end - 1) == '=') {
      end--;
    }
    if (end == start) {
      throw malformed();
    }
    for (int i = start; i < end; i++) {
      char c = authorization.charAt(i);
      boolean alphanumeric =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alphanumeric && TOKEN68_SYMBOLS.indexOf(c) < 0) {
        throw malformed();
      }
    }
    return authorization.substring(start);
  }

  private static OAuth2AuthenticationException malformed() {
    return new OAuth2AuthenticationException(
        BearerTokenErrors.invalidToken("Bearer token is malformed"));
  }
}
