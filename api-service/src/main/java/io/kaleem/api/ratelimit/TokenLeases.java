package io.kaleem.api.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tokens this replica has already taken from a shared bucket in Redis, handed out without asking
 * Redis again. They are taken before they are spent, so a budget is never exceeded; tokens leased
 * but not spent when the bucket refills are lost, never carried into the next window.
 */
final class TokenLeases {

  private static final class Lease {
    final AtomicLong tokens = new AtomicLong();
    volatile long validUntilNanos;
    volatile long sharedRemaining;
    volatile long resetSeconds;
  }

  private final Cache<String, Lease> leases;

  TokenLeases(Duration window) {
    this.leases =
        Caffeine.newBuilder()
            .expireAfterAccess(window.multipliedBy(2))
            .maximumSize(100_000)
            .build();
  }

  /** One token from the key's lease, or null when it has none left in the current window. */
  RateLimiter.Result take(String key, long perWindow, long nowNanos) {
    Lease lease = leases.getIfPresent(key);
    if (lease == null || nowNanos - lease.validUntilNanos >= 0) {
      return null;
    }
    long left;
    do {
      left = lease.tokens.get();
      if (left <= 0) {
        return null;
      }
    } while (!lease.tokens.compareAndSet(left, left - 1));
    return new RateLimiter.Result(
        true, perWindow, lease.sharedRemaining + left - 1, lease.resetSeconds, 0);
  }

  /**
   * Records {@code chunk} tokens just taken from Redis, one of them spent by the current request;
   * returns that request's result.
   */
  RateLimiter.Result granted(
      String key, long perWindow, long chunk, ConsumptionProbe probe, long nowNanos) {
    Lease lease = leases.get(key, k -> new Lease());
    long resetSeconds = RateLimiter.seconds(probe.getNanosToWaitForReset());
    long left;
    synchronized (lease) {
      if (nowNanos - lease.validUntilNanos >= 0) {
        lease.tokens.set(0); // leased in a window that has ended
      }
      left = lease.tokens.addAndGet(chunk - 1);
      lease.validUntilNanos = nowNanos + probe.getNanosToWaitForReset();
      lease.sharedRemaining = probe.getRemainingTokens();
      lease.resetSeconds = resetSeconds;
    }
    return new RateLimiter.Result(
        true, perWindow, probe.getRemainingTokens() + left, resetSeconds, 0);
  }
}
