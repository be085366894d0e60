package io.kaleem.api.plans;

import java.time.Instant;
import java.time.ZoneOffset;

/** How long one paid period of a plan lasts. Periods are calendar months or years in UTC. */
public enum BillingInterval {
  MONTHLY,
  YEARLY;

  /** The end of a period that starts at {@code start}. */
  public Instant after(Instant start) {
    var utc = start.atZone(ZoneOffset.UTC);
    return switch (this) {
      case MONTHLY -> utc.plusMonths(1).toInstant();
      case YEARLY -> utc.plusYears(1).toInstant();
    };
  }
}
