package io.kaleem.api.users;

import java.util.List;

/**
 * What a user is on the platform. Stored by name: other packages read it, so names never change.
 */
public enum UserRole {
  PLATFORM_ADMIN,
  MERCHANT_OWNER,
  MERCHANT_STAFF,
  SUPPORT_AGENT,
  CUSTOMER;

  /** The roles that belong to one merchant and require {@code merchantId}. */
  public static final List<UserRole> MERCHANT_ROLES = List.of(MERCHANT_OWNER, MERCHANT_STAFF);

  public boolean belongsToMerchant() {
    return MERCHANT_ROLES.contains(this);
  }
}
