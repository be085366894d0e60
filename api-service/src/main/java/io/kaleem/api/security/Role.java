package io.kaleem.api.security;

import java.util.List;

/**
 * What a user is on the platform: the one role type, stored by name in {@code users.role} and
 * carried in the token's {@code roles} claim, so names never change.
 */
public enum Role {
  PLATFORM_ADMIN,
  MERCHANT_OWNER,
  MERCHANT_STAFF,
  SUPPORT_AGENT,
  CUSTOMER;

  /** The roles that belong to one merchant and require {@code merchantId}. */
  public static final List<Role> MERCHANT_ROLES = List.of(MERCHANT_OWNER, MERCHANT_STAFF);

  /** Owners and staff belong to one merchant ({@code mid} claim). */
  public boolean merchantBound() {
    return this == MERCHANT_OWNER || this == MERCHANT_STAFF;
  }

  public String authority() {
    return "ROLE_" + name();
  }
}
