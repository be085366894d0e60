package io.kaleem.api.merchants;

/** A merchant's standing on the platform. CLOSED is final: a closed merchant is kept, not used. */
public enum MerchantStatus {
  ACTIVE,
  SUSPENDED,
  CLOSED
}
