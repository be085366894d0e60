package io.kaleem.api.cache;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What a feature loads when the cache is warmed for one {@link WarmingTarget}. Each element of
 * {@link #loads} reads one cached entry through the feature's normal read path, so warming fills
 * exactly the keys live requests use; the warmer decides how many run at once and when to stop.
 */
public interface CacheWarmup {

  WarmingTarget target();

  /** The loads of one run, produced lazily (a run cut at its bound never asks for the rest). */
  Flux<Mono<?>> loads(Scope scope);

  /**
   * @param maxMerchants active merchants to visit at most
   * @param hotProducts hottest products of this instance to refresh at most
   */
  record Scope(int maxMerchants, int hotProducts) {}
}
