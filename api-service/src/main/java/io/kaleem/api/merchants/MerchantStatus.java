package io.kaleem.api.merchants;

import io.kaleem.api.errors.ApiException;

/**
 * A merchant's standing on the platform, and the one place that decides what each standing allows.
 * CLOSED is final: a closed merchant is kept, not used. Only platform admins change a status
 * (suspend, reactivate, close).
 *
 * <ul>
 *   <li>ACTIVE: everything.
 *   <li>SUSPENDED: data readable by the platform; no scoped writes, no new orders or tickets; its
 *       owners and staff cannot sign in or refresh their sessions.
 *   <li>CLOSED: data readable; no scoped writes, no new orders or tickets; its owners and staff may
 *       still sign in to read what was kept.
 * </ul>
 */
public enum MerchantStatus {
  ACTIVE,
  SUSPENDED,
  CLOSED;

  /** Whether products, categories, the profile, new orders and new tickets may be written. */
  public boolean acceptsWrites() {
    return this == ACTIVE;
  }

  /**
   * The stored names of the statuses that refuse writes, for conditional updates ({@code $nin}: a
   * merchant stored without a status is ACTIVE, see {@link #of}).
   */
  public static java.util.List<String> refusingWrites() {
    return java.util.Arrays.stream(values())
        .filter(s -> !s.acceptsWrites())
        .map(Enum::name)
        .toList();
  }

  /** The status as stored; a merchant document without one is ACTIVE. */
  public static MerchantStatus of(String stored) {
    return stored == null ? ACTIVE : valueOf(stored);
  }

  /** The status of a merchant record; none stored is ACTIVE. */
  public static MerchantStatus of(Merchant m) {
    return m.status() == null ? ACTIVE : m.status();
  }

  /** Whether the merchant's owners and staff may sign in and refresh their sessions. */
  public boolean allowsStaffSignIn() {
    return this != SUSPENDED;
  }

  /** The 409 a write to a merchant in this standing gets, with the reason a client can act on. */
  public ApiException writeRefused(String merchantId) {
    String why =
        this == SUSPENDED
            ? "is suspended by the platform; nothing can be changed or ordered until it is"
                + " reactivated"
            : "is closed; its data is kept but nothing can be changed or ordered";
    return ApiException.conflict("Merchant '" + merchantId + "' " + why)
        .with("reason", "merchant-" + name().toLowerCase(java.util.Locale.ROOT))
        .with("merchantStatus", name());
  }
}
