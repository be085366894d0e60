package io.kaleem.api.cache;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The two-level cache. {@code l1.*}, {@code l2.ttl} and {@code warming.schedule/targets} are the
 * keys the operator renders from a tenant's {@code spec.cache} (crds {@code TenantConfigRenderer});
 * the rest are API defaults an operator rarely needs to touch.
 *
 * @param enabled off: every read goes to the database (benchmarks compare against this)
 * @param keyPrefix the tenant's namespace in Redis: every key and the invalidation channel start
 *     with it
 * @param negativeTtl how long "there is no such object" is remembered (both levels)
 * @param ttlJitter each entry lives its TTL shortened by a random share up to this, so entries
 *     written together do not expire together
 * @param maxValueSize a value whose serialised form is larger is served but not cached
 * @param writeGuard after a write, the key is fenced in L2 this long: a fill from a read that
 *     started before the write cannot store the old value
 * @param loadTimeout a load (L2, then the database) not done by then fails, and its key is free for
 *     the next reader
 */
@ConfigurationProperties("kaleem.cache")
public record CacheProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("kc:local") String keyPrefix,
    @DefaultValue L1 l1,
    @DefaultValue L2 l2,
    @DefaultValue Warming warming,
    @DefaultValue("10s") Duration negativeTtl,
    @DefaultValue("0.1") double ttlJitter,
    @DefaultValue("256KB") DataSize maxValueSize,
    @DefaultValue("5s") Duration writeGuard,
    @DefaultValue("10s") Duration loadTimeout) {

  public CacheProperties {
    if (ttlJitter < 0 || ttlJitter >= 1) {
      throw new IllegalArgumentException(
          "kaleem.cache.ttl-jitter must be in [0, 1), was " + ttlJitter);
    }
    if (keyPrefix.isBlank() || keyPrefix.contains("*")) {
      throw new IllegalArgumentException("kaleem.cache.key-prefix must be a plain, non-empty name");
    }
  }

  /**
   * @param maxSize entries kept per instance (0: no L1, loads still coalesce)
   * @param ttl how long an instance serves an entry without looking again: the bound on staleness
   *     when an invalidation message is lost
   */
  public record L1(@DefaultValue("10000") long maxSize, @DefaultValue("60s") Duration ttl) {}

  /**
   * @param ttl how long an entry lives in Redis. Timeouts and the circuit breaker are the API's one
   *     Redis policy, {@code kaleem.redis.*} ({@code RedisGuard}).
   */
  public record L2(@DefaultValue("5m") Duration ttl) {}

  /**
   * @param schedule six-field Spring cron (second minute hour day month weekday)
   * @param targets what a run loads: plans, each active merchant's category tree, each active
   *     merchant's first product page and this instance's hottest products
   * @param atStartup also run once when the instance is ready
   * @param maxDuration a run is cut after this long
   * @param concurrency loads a run keeps in flight at most
   * @param maxMerchants active merchants a run visits at most
   * @param hotProducts hottest product entries of this instance's L1 a run refreshes
   */
  public record Warming(
      @DefaultValue("0 */15 * * * *") String schedule,
      @DefaultValue({"plans", "categories", "products"}) List<WarmingTarget> targets,
      @DefaultValue("true") boolean atStartup,
      @DefaultValue("60s") Duration maxDuration,
      @DefaultValue("4") int concurrency,
      @DefaultValue("200") int maxMerchants,
      @DefaultValue("500") int hotProducts) {}
}
