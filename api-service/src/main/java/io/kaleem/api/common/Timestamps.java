package io.kaleem.api.common;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * MongoDB stores dates to the millisecond; truncating here keeps what is returned on create equal
 * to what is read back, and keeps cursor positions exact.
 */
public final class Timestamps {

  private Timestamps() {}

  public static Instant now(Clock clock) {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
