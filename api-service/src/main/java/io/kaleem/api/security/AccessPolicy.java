package io.kaleem.api.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;

/**
 * The route-level policy, one decision per request from the caller's role and merchant and the path
 * alone (see {@code docs/SECURITY.md} for the matrix). It works on path shapes, not on a list of
 * controllers, so a route added later under {@code /api/v1/merchants/{merchantId}/...} is covered
 * the day it is added: another merchant's id in the path is a 404 (the same problem as a merchant
 * that does not exist), a role without access is a 403, no token is a 401.
 */
public final class AccessPolicy {

  /** The outcome of the policy for one request. */
  public enum Decision {
    /** A public route: served with or without a token. */
    PUBLIC,
    ALLOW,
    /** No valid token on a route that needs one: 401. */
    UNAUTHENTICATED,
    /** The caller's role may not do this: 403. */
    FORBIDDEN,
    /** Another merchant's scope: 404, exactly as for a merchant that does not exist. */
    HIDDEN
  }

  private static final Set<String> CUSTOMER_READABLE = Set.of("products", "categories");
  private static final Set<String> CUSTOMER_CREATABLE = Set.of("orders", "tickets");
  private static final Set<String> OWNER_ONLY = Set.of("subscription", "staff");

  private AccessPolicy() {}

  /** Decoded path segments without separators. */
  static List<String> segments(PathContainer path) {
    List<String> out = new ArrayList<>();
    for (PathContainer.Element e : path.elements()) {
      if (e instanceof PathContainer.PathSegment s) {
        out.add(s.valueToMatch());
      }
    }
    return out;
  }

  /** Routes anyone may call without a token. */
  static boolean isPublic(List<String> s) {
    return startsWith(s, "api", "health")
        || startsWith(s, "api", "openapi")
        || startsWith(s, "api", "docs")
        // Swagger UI's page and assets: /api/docs redirects here (springdoc serves the UI next to
        // its configured path).
        || startsWith(s, "api", "swagger-ui")
        || startsWith(s, "webjars")
        || startsWith(s, "api", "v1", "auth")
        // The WebSocket gateway authenticates its sessions itself (a browser cannot send the
        // header); the live page is static and signs in through the API.
        || (s.size() == 1 && s.get(0).equals("ws"))
        || startsWith(s, "live");
  }

  /** The decision for a caller ({@code null} when the request carries no valid token). */
  public static Decision decide(AuthenticatedUser user, HttpMethod method, List<String> s) {
    if (user == null) {
      return isPublic(s) ? Decision.PUBLIC : Decision.UNAUTHENTICATED;
    }
    if (isPublic(s) || user.is(Role.PLATFORM_ADMIN)) {
      return isPublic(s) ? Decision.PUBLIC : Decision.ALLOW;
    }
    boolean read = method == HttpMethod.GET || method == HttpMethod.HEAD;
    if (startsWith(s, "api", "v1", "plans")) {
      return read ? Decision.ALLOW : Decision.FORBIDDEN;
    }
    if (startsWith(s, "api", "v1", "users")) {
      boolean self = s.size() == 4 && s.get(3).equals("me") && read;
      return self ? Decision.ALLOW : Decision.FORBIDDEN;
    }
    if (startsWith(s, "api", "v1", "merchants") && s.size() >= 4) {
      return merchantScoped(user, method, read, s.get(3), s.subList(4, s.size()));
    }
    // The merchant list and creation, /admin/**, /monitoring/**, actuator other than health,
    // and any route not named above: platform admins only (default deny).
    return Decision.FORBIDDEN;
  }

  private static Decision merchantScoped(
      AuthenticatedUser user,
      HttpMethod method,
      boolean read,
      String merchantId,
      List<String> rest) {
    String resource = rest.isEmpty() ? "" : rest.get(0);
    if (user.role().merchantBound()) {
      if (user.merchantId() == null || !user.merchantId().equals(merchantId)) {
        return Decision.HIDDEN;
      }
      if (user.is(Role.MERCHANT_OWNER)) {
        return Decision.ALLOW;
      }
      // Staff: everything of their merchant but its subscription, staff and profile writes.
      if (OWNER_ONLY.contains(resource) || (rest.isEmpty() && !read)) {
        return Decision.FORBIDDEN;
      }
      return Decision.ALLOW;
    }
    if (user.is(Role.CUSTOMER)) {
      if (read && CUSTOMER_READABLE.contains(resource)) {
        return Decision.ALLOW;
      }
      if ((read || method == HttpMethod.POST) && CUSTOMER_CREATABLE.contains(resource)) {
        return Decision.ALLOW;
      }
      return Decision.FORBIDDEN;
    }
    if (user.is(Role.SUPPORT_AGENT) && resource.equals("tickets")) {
      return Decision.ALLOW;
    }
    return Decision.FORBIDDEN;
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
