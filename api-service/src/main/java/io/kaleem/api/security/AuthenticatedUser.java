package io.kaleem.api.security;

import io.kaleem.api.observability.RequestContext;
import java.util.Optional;

/**
 * The caller of a request, from its verified access token; the logs name it by user and merchant
 * ({@link RequestContext.Caller}).
 *
 * @param userId the user's id (24 hex, {@code sub})
 * @param role the user's role
 * @param merchantId the merchant of an owner or staff member ({@code mid}), else null
 * @param plan the plan claim used for rate limits, else null
 */
public record AuthenticatedUser(String userId, Role role, String merchantId, String plan)
    implements RequestContext.Caller {

  public boolean is(Role r) {
    return role == r;
  }

  public Optional<String> merchant() {
    return Optional.ofNullable(merchantId);
  }
}
