package io.kaleem.api.cache;

import java.util.Map;

/**
 * What {@code GET /admin/cache/stats} answers for this instance.
 *
 * @param hits level → region → hits since start
 * @param misses region → reads that went to the database
 */
public record CacheStats(
    boolean enabled,
    String keyPrefix,
    L1 l1,
    L2 l2,
    Map<String, Map<String, Long>> hits,
    Map<String, Long> misses) {

  public record L1(
      long entries, long maxSize, String ttl, long hits, long misses, long evictions) {}

  /**
   * @param circuit the Redis circuit breaker's state (CLOSED: in use)
   * @param subscribed whether this instance hears other replicas' invalidations now
   * @param subscriptions times the subscription was established (first included)
   * @param pendingInvalidations invalidations waiting for Redis to return
   */
  public record L2(
      String ttl,
      String circuit,
      boolean subscribed,
      long subscriptions,
      int pendingInvalidations) {}
}
