package io.kaleem.api.merchants;

import java.util.List;

public enum SubscriptionStatus {
  TRIALING,
  ACTIVE,
  PAST_DUE,
  CANCELLED;

  /** The states a renewal may advance. */
  static final List<SubscriptionStatus> RENEWABLE = List.of(ACTIVE, PAST_DUE);

  /** The states a cancellation may end. */
  static final List<SubscriptionStatus> CANCELLABLE = List.of(TRIALING, ACTIVE, PAST_DUE);
}
