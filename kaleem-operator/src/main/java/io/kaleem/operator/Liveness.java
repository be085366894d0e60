package io.kaleem.operator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * The liveness verdict behind {@code /healthz}. A leader whose event sources (informers) stay
 * unhealthy (a watch that cannot be re-established, a cache that never syncs) reconciles from a
 * stale picture, and nothing inside the process repairs that: after {@code grace} the probe fails
 * and the kubelet restarts the pod. A follower (no informers running) and a process still starting
 * are alive; a short blip (an API server restart) is within the grace.
 */
public final class Liveness {

  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(90);

  private final BooleanSupplier reconciling;
  private final BooleanSupplier sourcesHealthy;
  private final Clock clock;
  private final Duration grace;
  private Instant unhealthySince;

  /**
   * @param reconciling started and leading (only then must the event sources be healthy)
   * @param sourcesHealthy JOSDK's {@code RuntimeInfo.allEventSourcesAreHealthy()}
   */
  public Liveness(
      BooleanSupplier reconciling, BooleanSupplier sourcesHealthy, Clock clock, Duration grace) {
    this.reconciling = reconciling;
    this.sourcesHealthy = sourcesHealthy;
    this.clock = clock;
    this.grace = grace;
  }

  public synchronized boolean live() {
    if (!reconciling.getAsBoolean() || sourcesHealthy.getAsBoolean()) {
      unhealthySince = null;
      return true;
    }
    Instant now = clock.instant();
    if (unhealthySince == null) {
      unhealthySince = now;
    }
    return Duration.between(unhealthySince, now).compareTo(grace) < 0;
  }
}
