package io.kaleem.api.cache;

import io.kaleem.api.redis.RedisGuard;
import io.kaleem.api.redis.RedisGuardProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.unit.DataSize;
import reactor.core.publisher.Mono;

/**
 * JMH micro-benchmarks of one read through {@link TwoLevelCache} (run by {@code
 * bench/cache.bench.sh}, never by the tests): an L1 hit, an L2 hit (Redis GET on 127.0.0.1:6379 +
 * Smile decode) and a miss (L2 GET that finds nothing + the loader + encode; the loader is an
 * in-memory stand-in for MongoDB, so the miss is the cache's own cost). Sample-time mode, so the
 * result has percentiles; the target is an L1 hit P99 under 50 µs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CacheJmh {

  /** A product-sized value. */
  public record Item(
      String id, String name, String description, long priceCents, List<String> tags) {}

  private static final Item VALUE =
      new Item(
          "66f0c0ffee0000000000abcd",
          "Dates, Medjool, 1 kg",
          "Premium Medjool dates from Al-Madinah, packed in a resealable box.",
          4_500,
          List.of("dates", "food", "gift"));

  private LettuceConnectionFactory redis;
  private TwoLevelCache cache;
  private CacheRegion<Item> region;
  private final AtomicLong missKeys = new AtomicLong();
  private final Mono<Item> loaded = Mono.just(VALUE);

  @Setup(Level.Trial)
  public void start() {
    redis = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 6379));
    redis.afterPropertiesSet();
    redis.start();
    // Open the shared connection here, not inside the first measured call.
    org.springframework.data.redis.connection.ReactiveRedisConnection first =
        redis.getReactiveConnection();
    first.close();
    CacheProperties props =
        new CacheProperties(
            true,
            "kc-jmh:" + UUID.randomUUID(),
            new CacheProperties.L1(10_000, Duration.ofSeconds(60)),
            new CacheProperties.L2(Duration.ofMinutes(2)),
            new CacheProperties.Warming(
                "0 */15 * * * *", List.of(), false, Duration.ofSeconds(60), 4, 200, 500),
            Duration.ofSeconds(10),
            0.1,
            DataSize.ofKilobytes(256),
            Duration.ofSeconds(5),
            Duration.ofSeconds(10));
    RedisGuard guard =
        new RedisGuard(
            new RedisGuardProperties(
                Duration.ofMillis(50), Duration.ofMillis(250), Duration.ofSeconds(2)));
    cache =
        new TwoLevelCache(
            props, new RedisL2(redis, guard), new CacheMetrics(new SimpleMeterRegistry()));
    region = cache.region("jmh", Item.class);
    // The hot key, in both levels. The fill to L2 runs after the answer and is bounded by the
    // write timeout (250 ms), which a cold JVM on a busy machine can miss: then the fill is
    // dropped (as in production), so forget the key locally and read it again until Redis has it.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      cache.get(region, "hot", () -> loaded).block();
      long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      while (System.nanoTime() < wait) {
        if (redis.getConnection().stringCommands().get(key("hot")) != null) {
          return;
        }
        Thread.onSpinWait();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Redis on 127.0.0.1:6379 did not take the value");
      }
      cache.forgetLocally("jmh:hot");
    }
  }

  private byte[] key(String k) {
    return (cache.keys().full(region, k)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * Says what the trial really measured, from the cache's own counters: an {@code l2Hit} whose
   * Redis reads failed or timed out (busy machine, open circuit) would have measured the loader.
   */
  @TearDown(Level.Trial)
  public void stop(BenchmarkParams params) {
    CacheStats stats = cache.stats();
    System.out.printf(
        "%n%s (warm-up included): L1 hits %d, L2 hits %d, misses %d; circuit %s%n",
        params.getBenchmark(),
        stats.hits().getOrDefault("l1", java.util.Map.of()).getOrDefault("jmh", 0L),
        stats.hits().getOrDefault("l2", java.util.Map.of()).getOrDefault("jmh", 0L),
        stats.misses().getOrDefault("jmh", 0L),
        stats.l2().circuit());
    cache.close();
    redis.destroy();
  }

  /** L2 hit: the hot key is dropped from L1 before each call. */
  @State(Scope.Thread)
  public static class OutOfL1 {
    @Setup(Level.Invocation)
    public void forget(CacheJmh b) {
      b.cache.forgetLocally("jmh:hot");
    }
  }

  @Benchmark
  public Item l1Hit() {
    return cache.get(region, "hot", () -> loaded).block();
  }

  @Benchmark
  public Item l2Hit(OutOfL1 outOfL1) {
    return cache.get(region, "hot", () -> loaded).block();
  }

  /** A key no one read before: L2 has nothing, the loader answers, L1 and L2 get the value. */
  @Benchmark
  public Item miss() {
    return cache.get(region, "miss-" + missKeys.incrementAndGet(), () -> loaded).block();
  }
}
