package io.kaleem.api.cache;

/** Lets the cache benchmark ask for an L2 hit: drop a key from L1 only. */
public final class CacheBenchAccess {

  private CacheBenchAccess() {}

  public static void forgetLocally(TwoLevelCache cache, String relativeKey) {
    cache.forgetLocally(relativeKey);
  }
}
