package io.kaleem.api.cache;

import static io.kaleem.crds.metrics.MetricNames.CACHE_LEVEL_L1;
import static io.kaleem.crds.metrics.MetricNames.CACHE_LEVEL_L2;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JavaType;

/**
 * Read-through two-level cache: L1 is this instance's Caffeine cache, L2 the tenant's Redis, and
 * behind both the loader (MongoDB). Guarantees, and what they rest on:
 *
 * <ul>
 *   <li><b>One load per key per instance at a time.</b> L1 maps a key to the future of its value;
 *       every concurrent reader of a missing key joins the one future the first reader created
 *       (Caffeine computes a mapping once), so N concurrent misses make one L2 read and at most one
 *       database load.
 *   <li><b>Read-your-write.</b> A write evicts its keys from L1 (in-flight loads included: a
 *       removed future is never put back) and fences them in L2 before the write's response.
 *   <li><b>No late stale fill.</b> L2 fills are SET NX; a write leaves a fence for {@code
 *       write-guard}, so a load that read the old row before the write cannot store it afterwards.
 *   <li><b>Other replicas drop their L1 copy</b> on the invalidation message; a replica that lost
 *       its subscription clears L1 when it has one again; L1's short TTL bounds the rest.
 *   <li><b>Pages</b> carry a per-scope generation in their key: a write bumps it, so every page of
 *       the scope is unreachable at once, without listing them.
 * </ul>
 *
 * Values are remembered as absent too (for {@code negative-ttl}), TTLs are jittered, and values
 * larger than {@code max-value-size} are served but kept nowhere.
 */
public class TwoLevelCache implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TwoLevelCache.class);
  private static final Duration ADMIN_LIMIT = Duration.ofSeconds(10);
  private static final int MAX_PENDING = 10_000;

  /** A resolved value in L1: {@code value} null means "does not exist". */
  record Entry(Object value, long l1TtlNanos, boolean keep) {}

  private final CacheProperties cfg;
  private final CacheKeys keys;
  private final ValueCodec codec = new ValueCodec();
  private final RedisL2 l2;
  private final CacheMetrics metrics;
  private final AsyncCache<String, Entry> l1;
  // Known generations are forgotten after l1.ttl like any L1 entry, so a lost bump message costs
  // at most l1.ttl of old pages: then the generation is read from Redis again.
  private final Map<String, Long> generations;
  private final Set<String> unreadableLogged = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<String> pendingMessages = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pendingCount = new AtomicInteger();
  private volatile InvalidationChannel channel;

  TwoLevelCache(CacheProperties cfg, RedisL2 l2, CacheMetrics metrics) {
    this.cfg = cfg;
    this.keys = new CacheKeys(cfg.keyPrefix());
    this.l2 = l2;
    this.metrics = metrics;
    this.generations =
        Caffeine.newBuilder()
            .expireAfterWrite(cfg.l1().ttl())
            .maximumSize(100_000)
            .<String, Long>build()
            .asMap();
    this.l1 =
        Caffeine.newBuilder()
            .maximumSize(cfg.l1().maxSize())
            .expireAfter(
                new Expiry<String, Entry>() {
                  @Override
                  public long expireAfterCreate(String key, Entry e, long now) {
                    return e.l1TtlNanos();
                  }

                  @Override
                  public long expireAfterUpdate(String key, Entry e, long now, long current) {
                    return e.l1TtlNanos();
                  }

                  @Override
                  public long expireAfterRead(String key, Entry e, long now, long current) {
                    return current;
                  }
                })
            .evictionListener(
                (String k, Entry v, RemovalCause cause) -> {
                  if (cause == RemovalCause.SIZE) {
                    metrics.l1Eviction();
                  }
                })
            .recordStats()
            .buildAsync();
    metrics.l1Size(() -> l1.synchronous().estimatedSize());
    // Invalidations that could not be sent go out as soon as Redis answers again.
    l2.guard().onRecovery(this::replayPending);
  }

  /** Starts listening to other replicas' invalidations. */
  void listen(InvalidationChannel channel) {
    this.channel = channel;
  }

  CacheKeys keys() {
    return keys;
  }

  CacheProperties properties() {
    return cfg;
  }

  RedisL2 l2() {
    return l2;
  }

  InvalidationChannel channel() {
    return channel;
  }

  public <T> CacheRegion<T> region(String name, Class<T> type) {
    return region(name, codec.types().constructType(type));
  }

  public <T> CacheRegion<T> region(String name, TypeReference<T> type) {
    return region(name, codec.types().constructType(type));
  }

  private <T> CacheRegion<T> region(String name, JavaType type) {
    return new CacheRegion<>(name, type, ValueCodec.fingerprint(type));
  }

  /**
   * The value under {@code key}: from L1, else L2, else {@code loader} (empty: no such object,
   * remembered for {@code negative-ttl}). {@code key} is made of {@link #part} values.
   */
  @SuppressWarnings("unchecked")
  public <T> Mono<T> get(CacheRegion<T> region, String key, Supplier<Mono<T>> loader) {
    if (!cfg.enabled()) {
      return Mono.defer(loader);
    }
    return Mono.defer(
        () -> {
          String full = keys.full(region, key);
          boolean[] started = {false};
          CompletableFuture<Entry> future =
              l1.get(
                  full,
                  (k, executor) -> {
                    started[0] = true;
                    // Bounded: a load that never answers fails, and leaves L1, instead of making
                    // every later reader of the key wait on it.
                    return fill(region, k, loader).timeout(cfg.loadTimeout()).toFuture();
                  });
          if (!started[0]) {
            metrics.hit(region.name(), CACHE_LEVEL_L1);
          } else {
            future.whenComplete(
                (e, error) -> {
                  if (e != null && !e.keep()) {
                    l1.asMap().remove(full, future);
                  }
                });
          }
          return Mono.fromFuture(future, true).mapNotNull(e -> (T) e.value());
        });
  }

  /** L2, then the loader; stores what the loader found in L2 without making the caller wait. */
  private <T> Mono<Entry> fill(CacheRegion<T> region, String full, Supplier<Mono<T>> loader) {
    return l2.get(full)
        .onErrorResume(e -> Mono.empty())
        .flatMap(bytes -> decoded(region, full, bytes))
        .doOnNext(e -> metrics.hit(region.name(), CACHE_LEVEL_L2))
        .switchIfEmpty(Mono.defer(() -> load(region, full, loader)));
  }

  private Mono<Entry> decoded(CacheRegion<?> region, String full, byte[] bytes) {
    try {
      ValueCodec.Decoded d = codec.decode(region, bytes);
      if (d == null) {
        return Mono.empty();
      }
      return Mono.just(entry(d.value(), true));
    } catch (ValueCodec.Unreadable e) {
      metrics.operation("decode", e.otherVersion ? "other_version" : "corrupt", CACHE_LEVEL_L2);
      if (unreadableLogged.add(region.name() + (e.otherVersion ? ":version" : ":corrupt"))) {
        log.warn(
            "Unreadable cached value in region {} treated as a miss (logged once per region): {}",
            region.name(),
            e.getMessage());
      }
      return Mono.empty();
    }
  }

  private <T> Mono<Entry> load(CacheRegion<T> region, String full, Supplier<Mono<T>> loader) {
    metrics.miss(region.name());
    long start = System.nanoTime();
    return Mono.defer(loader)
        .map(v -> (Object) v)
        .map(java.util.Optional::of)
        .defaultIfEmpty(java.util.Optional.empty())
        .map(
            found -> {
              metrics.load(region.name(), System.nanoTime() - start);
              Object value = found.orElse(null);
              byte[] bytes = codec.encode(region, value);
              if (bytes.length > cfg.maxValueSize().toBytes()) {
                metrics.operation("put", "oversize", CACHE_LEVEL_L2);
                return new Entry(value, 0, false);
              }
              Duration ttl = value == null ? cfg.negativeTtl() : jittered(cfg.l2().ttl());
              l2.fill(full, bytes, ttl)
                  .subscribe(
                      stored ->
                          metrics.operation(
                              "put",
                              Boolean.TRUE.equals(stored) ? "success" : "fenced",
                              CACHE_LEVEL_L2),
                      error -> metrics.operation("put", "error", CACHE_LEVEL_L2));
              return entry(value, true);
            });
  }

  private Entry entry(Object value, boolean keep) {
    Duration ttl = value == null ? cfg.negativeTtl() : jittered(cfg.l1().ttl());
    if (value != null && ttl.compareTo(cfg.l1().ttl()) > 0) {
      ttl = cfg.l1().ttl();
    }
    return new Entry(value, ttl.toNanos(), keep);
  }

  private Duration jittered(Duration ttl) {
    double cut = cfg.ttlJitter() == 0 ? 0 : ThreadLocalRandom.current().nextDouble(cfg.ttlJitter());
    return Duration.ofMillis(Math.max(1, (long) (ttl.toMillis() * (1 - cut))));
  }

  /**
   * Forgets {@code key}: from this instance's L1 at once, in L2 by a fence, and in every other
   * replica's L1 by a message. Completes when all three are done or have failed; a failure (Redis
   * away) never fails the write that called it: the message is kept and sent when Redis returns.
   */
  public Mono<Void> evict(CacheRegion<?> region, String key) {
    if (!cfg.enabled()) {
      return Mono.empty();
    }
    return evictFull(keys.full(region, key));
  }

  private Mono<Void> evictFull(String full) {
    return Mono.defer(
        () -> {
          l1.synchronous().invalidate(full);
          return l2.fence(full, cfg.writeGuard())
              .then(l2.publish(keys.channel(), "k " + full))
              .doOnSuccess(n -> metrics.operation("evict", "success", CACHE_LEVEL_L2))
              .onErrorResume(
                  e -> {
                    metrics.operation("evict", "error", CACHE_LEVEL_L2);
                    pending("k " + full);
                    return Mono.empty();
                  })
              .then();
        });
  }

  /**
   * The current generation of {@code scope} (a merchant's product pages, the plan catalogue): part
   * of every page key of the scope.
   */
  public Mono<Long> generation(String scope) {
    if (!cfg.enabled()) {
      return Mono.just(0L);
    }
    Long known = generations.get(scope);
    if (known != null) {
      return Mono.just(known);
    }
    return l2.readLong(keys.generation(scope))
        .defaultIfEmpty(0L)
        .doOnNext(g -> generations.merge(scope, g, Math::max))
        .onErrorResume(e -> Mono.just(generations.getOrDefault(scope, 0L)));
  }

  /** Makes every page of {@code scope} unreachable, here and (by a message) on every replica. */
  public Mono<Void> bumpGeneration(String scope) {
    if (!cfg.enabled()) {
      return Mono.empty();
    }
    return l2.increment(keys.generation(scope))
        .flatMap(
            g -> {
              generations.merge(scope, g, Math::max);
              return l2.publish(keys.channel(), "g " + scope + " " + g);
            })
        .then()
        .onErrorResume(
            e -> {
              // Redis away: pages of this scope become unreachable here by a local step; the bump
              // is replayed in Redis, and reaches the others, when it returns.
              generations.merge(scope, 1L, Long::sum);
              metrics.operation("generation", "error", CACHE_LEVEL_L2);
              pending("g " + scope);
              return Mono.empty();
            });
  }

  /** A message from the invalidation channel (this instance's own included). */
  void onMessage(String message) {
    if (message.startsWith("k ")) {
      l1.synchronous().invalidate(message.substring(2));
    } else if (message.startsWith("g ")) {
      String[] p = message.split(" ");
      if (p.length == 3) {
        generations.merge(p[1], Long.parseLong(p[2]), Math::max);
      }
    } else if (message.startsWith("p ")) {
      dropLocal(message.substring(2));
    } else if (message.equals("a")) {
      clearLocal();
    }
    metrics.operation("invalidation_received", "success", CACHE_LEVEL_L1);
  }

  /**
   * The invalidation subscription was (re)established or lost: anything may have changed unheard,
   * so L1 and the known generations go. Invalidations this instance could not send while Redis was
   * away are sent now.
   */
  void onResubscribed() {
    clearLocal();
    metrics.operation("l1_clear", "resubscribed", CACHE_LEVEL_L1);
    replayPending();
  }

  private void pending(String message) {
    if (pendingCount.incrementAndGet() > MAX_PENDING) {
      pendingMessages.poll();
      pendingCount.decrementAndGet();
    }
    pendingMessages.add(message);
  }

  private void replayPending() {
    List<String> batch = new ArrayList<>();
    for (String m; (m = pendingMessages.poll()) != null; ) {
      pendingCount.decrementAndGet();
      batch.add(m);
    }
    if (batch.isEmpty()) {
      return;
    }
    reactor.core.publisher.Flux.fromIterable(batch)
        .concatMap(
            m -> m.startsWith("k ") ? evictFull(m.substring(2)) : bumpGeneration(m.substring(2)))
        .subscribe();
  }

  private void clearLocal() {
    l1.synchronous().invalidateAll();
    generations.clear();
  }

  private void dropLocal(String fullPrefix) {
    l1.asMap().keySet().removeIf(k -> k.startsWith(fullPrefix));
  }

  // ---- administration ----

  /** Evicts one key given relative to the tenant prefix ({@code product:<m>:<p>}). */
  public Mono<Void> evictKey(String relative) {
    String full = keys.full(CacheKeys.validate(relative, "key", false));
    return evictFull(full);
  }

  /**
   * Evicts every key under a relative prefix ({@code product}, {@code product:<m>}), or every key
   * of the tenant when {@code all}. Returns the number of L2 keys deleted.
   */
  public Mono<Long> evictPrefix(String relative, boolean all) {
    String fullPrefix =
        all ? keys.tenantPrefix() + ":" : keys.full(CacheKeys.validate(relative, "prefix", true));
    if (all) {
      clearLocal();
    } else {
      dropLocal(fullPrefix);
    }
    String pattern = glob(fullPrefix) + "*";
    return l2.deleteMatching(pattern, ADMIN_LIMIT)
        .flatMap(n -> l2.publish(keys.channel(), all ? "a" : "p " + fullPrefix).thenReturn(n));
  }

  private static String glob(String literal) {
    StringBuilder b = new StringBuilder(literal.length() + 8);
    for (char c : literal.toCharArray()) {
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }

  /** Keys currently in this instance's L1 (relative), hottest first, for warming. */
  public List<String> hottest(CacheRegion<?> region, int limit) {
    String prefix = keys.full(region, "");
    return l1
        .synchronous()
        .policy()
        .eviction()
        .map(ev -> ev.hottest(Math.max(limit * 4, limit)))
        .orElse(Map.of())
        .keySet()
        .stream()
        .filter(k -> k.startsWith(prefix))
        .limit(limit)
        .map(k -> k.substring(prefix.length()))
        .toList();
  }

  /** Whether Redis is known to be away: this instance has no invalidation subscription. */
  boolean redisAway() {
    InvalidationChannel c = channel;
    return c == null || !c.isSubscribed();
  }

  /** The name of this instance's invalidation subscription in Redis, if it has one. */
  public java.util.Optional<String> subscriptionClientName() {
    InvalidationChannel c = channel;
    return c == null ? java.util.Optional.empty() : java.util.Optional.of(c.clientName());
  }

  /** Drops a key from this instance's L1 only (benchmarks: an L2 hit on demand). */
  void forgetLocally(String relativeKey) {
    l1.synchronous().invalidate(keys.full(relativeKey));
  }

  /** Whether this instance's L1 holds a key given relative to the tenant prefix. */
  public boolean inL1(String relativeKey) {
    // The asynchronous view: the synchronous one waits for a load in flight (another reader's,
    // e.g. a consumer re-reading a product after its event) and would report that load's value,
    // even one that is then not kept. A load in flight is not a cached value.
    CompletableFuture<Entry> f = l1.getIfPresent(keys.full(relativeKey));
    return f != null && f.isDone() && !f.isCompletedExceptionally() && f.join().keep();
  }

  /** The full Redis key of a key given relative to the tenant prefix. */
  public String redisKey(String relativeKey) {
    return keys.full(relativeKey);
  }

  /** L1 limits as Caffeine applies them: maximum entries, and the TTL left on a key. */
  public long l1MaximumSize() {
    return l1.synchronous().policy().eviction().map(e -> e.getMaximum()).orElse(-1L);
  }

  public java.util.Optional<Duration> l1TimeToLive(String relativeKey) {
    return l1.synchronous()
        .policy()
        .expireVariably()
        .flatMap(e -> e.getExpiresAfter(keys.full(relativeKey)));
  }

  public CacheStats stats() {
    var s = l1.synchronous().stats();
    InvalidationChannel c = channel;
    return new CacheStats(
        cfg.enabled(),
        keys.tenantPrefix(),
        new CacheStats.L1(
            l1.synchronous().estimatedSize(),
            cfg.l1().maxSize(),
            cfg.l1().ttl().toString(),
            s.hitCount(),
            s.missCount(),
            s.evictionCount()),
        new CacheStats.L2(
            cfg.l2().ttl().toString(),
            l2.guard().state(),
            c != null && c.isSubscribed(),
            c == null ? 0 : c.subscriptions(),
            pendingCount.get()),
        metrics.hitCounts(),
        metrics.missCounts());
  }

  @Override
  public void close() {
    InvalidationChannel c = channel;
    if (c != null) {
      c.close();
    }
  }
}
