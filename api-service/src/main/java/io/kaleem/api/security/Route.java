package io.kaleem.api.security;

import java.util.ArrayList;
import java.util.List;
import org.springframework.http.server.PathContainer;

/**
 * What a request's path is, decided once per request for every security step: the one route
 * classifier. The access policy reads {@link #segments} and {@link #isPublic}; the request budget
 * reads {@link #kind}.
 *
 * @param segments the decoded path segments without separators
 */
record Route(List<String> segments, Kind kind) {

  enum Kind {
    /** {@code /api/health/**}: probes; public and never charged to a budget. */
    HEALTH,
    /** {@code /api/v1/auth/**}: public, charged per client IP at the stricter auth budget. */
    AUTH,
    /** Documentation, the WebSocket gateway and the live page: public, normal budgets. */
    PUBLIC,
    /** Everything else: a valid token is needed (the access policy decides the rest). */
    PROTECTED
  }

  static Route of(PathContainer path) {
    List<String> s = new ArrayList<>();
    for (PathContainer.Element e : path.elements()) {
      if (e instanceof PathContainer.PathSegment segment) {
        s.add(segment.valueToMatch());
      }
    }
    return new Route(s, kindOf(s));
  }

  private static Kind kindOf(List<String> s) {
    if (startsWith(s, "api", "health")) {
      return Kind.HEALTH;
    }
    if (startsWith(s, "api", "v1", "auth")) {
      return Kind.AUTH;
    }
    if (startsWith(s, "api", "openapi")
        || startsWith(s, "api", "docs")
        // Swagger UI's page and assets: /api/docs redirects here (springdoc serves the UI next to
        // its configured path).
        || startsWith(s, "api", "swagger-ui")
        || startsWith(s, "webjars")
        // The WebSocket gateway authenticates its sessions itself (a browser cannot send the
        // header); the live page is static and signs in through the API.
        || (s.size() == 1 && s.get(0).equals("ws"))
        || startsWith(s, "live")) {
      return Kind.PUBLIC;
    }
    return Kind.PROTECTED;
  }

  /** Routes anyone may call without a token. */
  boolean isPublic() {
    return kind != Kind.PROTECTED;
  }

  boolean startsWith(String... prefix) {
    return startsWith(segments, prefix);
  }

  private static boolean startsWith(List<String> s, String... prefix) {
    if (s.size() < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (!s.get(i).equals(prefix[i])) {
        return false;
      }
    }
    return true;
  }
}
