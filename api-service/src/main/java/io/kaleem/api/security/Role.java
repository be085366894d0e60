package io.kaleem.api.security;

/** The roles a token carries in its {@code roles} claim. */
public enum Role {
  PLATFORM_ADMIN,
  MERCHANT_OWNER,
  MERCHANT_STAFF,
  SUPPORT_AGENT,
  CUSTOMER;

  /** Owners and staff belong to one merchant ({@code mid} claim). */
  public boolean merchantBound() {
    return this == MERCHANT_OWNER || this == MERCHANT_STAFF;
  }

  public String authority() {
    return "ROLE_" + name();
  }
}
