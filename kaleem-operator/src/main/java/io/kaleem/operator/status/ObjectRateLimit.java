package io.kaleem.operator.status;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per involved object, as client-go's {@code EventSourceObjectSpamFilter}: an object
 * may send {@code burst} Events at once, then one per {@code refillNanos}. A tenant that flaps (a
 * condition toggling every reconcile) cannot flood the API server with Events, while the rest of
 * the fleet keeps its own allowance. Not thread-safe: only the sender thread uses it.
 */
final class ObjectRateLimit {

  private static final int MAX_OBJECTS = 20_000;

  private final int burst;
  private final long refillNanos;

  /** Tokens as of {@code at}; buckets of objects gone quiet are forgotten first (access order). */
  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }

  private final Map<String, Bucket> buckets =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> e) {
          // A forgotten bucket starts full again: at worst one more burst from an object that
          // has been quiet for longer than thousands of others.
          return size() > MAX_OBJECTS;
        }
      };

  ObjectRateLimit(int burst, long refillNanos) {
    this.burst = burst;
    this.refillNanos = refillNanos;
  }

  /**
   * Takes a token for the object if it has one: returns 0. Otherwise takes nothing and returns the
   * {@link System#nanoTime()} at which it will have one.
   */
  long tryTake(String object, long now) {
    Bucket b = buckets.computeIfAbsent(object, o -> new Bucket(burst, now));
    b.tokens = Math.min(burst, b.tokens + (now - b.at) / (double) refillNanos);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return now + Math.max(1, (long) ((1 - b.tokens) * refillNanos));
  }
}
