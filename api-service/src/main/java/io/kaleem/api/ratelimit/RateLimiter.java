package io.kaleem.api.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.kaleem.api.redis.RedisEndpoint;
import io.kaleem.api.redis.RedisGuard;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Token buckets shared by every replica through Redis (Bucket4j's compare-and-swap Lettuce
 * backend): a store of buckets by key and size, which knows nothing of who draws from them (the
 * request budget in {@code security}, sign-in throttling in {@code auth}). When Redis is sick, as
 * the API's one {@link RedisGuard} decides (failing, slow, absent at start-up), each instance draws
 * from its own in-memory buckets and keeps serving; it returns to the shared buckets as soon as the
 * guard's circuit lets calls through again and Redis answers.
 *
 * <p>The Lettuce client is the API's one Redis client, the native client of Spring Data Redis's
 * connection factory ({@code spring.data.redis.*}, {@code REDIS_URL}); this class owns only its
 * byte-array connection, which Bucket4j needs. Lettuce reconnects it in the background after a
 * Redis restart, and commands on it while it is down are rejected at once ({@code
 * RedisClientOptions}), so no request waits for Redis to come back. Only a connection that was
 * never made (Redis absent at start-up) is retried here, at most once per {@code
 * kaleem.redis.breaker-wait}, in the background.
 */
public class RateLimiter implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);
  private static final Duration START_WAIT = Duration.ofSeconds(2);

  /** The outcome of one request against one limit. */
  public record Result(
      boolean allowed, long limit, long remaining, long resetSeconds, long retryAfterSeconds) {}

  /**
   * How buckets are kept.
   *
   * @param keyPrefix the tenant's namespace for buckets in Redis
   * @param window every bucket refills completely once per window
   * @param leaseShare the share of a bucket a replica takes from Redis at once and hands out
   *     locally (tokens unspent when the window ends are lost)
   */
  public record Settings(String keyPrefix, Duration window, double leaseShare) {

    public Settings {
      if (leaseShare < 0 || leaseShare > 0.5) {
        throw new IllegalArgumentException(
            "the lease share must be between 0 and 0.5, was " + leaseShare);
      }
    }

    /** Tokens taken from Redis at once for a bucket of {@code perWindow}; 1 or less: no lease. */
    public long leaseSize(long perWindow) {
      return (long) Math.floor(perWindow * leaseShare);
    }
  }

  private final Settings cfg;
  private final RedisGuard guard;
  private final RedisClient client;
  private final Cache<String, Bucket> local =
      Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(10)).maximumSize(100_000).build();
  private final TokenLeases leases;
  private final AtomicBoolean connecting = new AtomicBoolean(false);
  private final AtomicLong lastAttempt;
  private final long retryNanos;
  private volatile StatefulRedisConnection<byte[], byte[]> connection;
  private volatile boolean failedOnce;
  private volatile AsyncProxyManager<byte[]> shared;

  private final RedisURI uri;

  public RateLimiter(Settings settings, LettuceConnectionFactory redis, RedisGuard guard) {
    this.cfg = settings;
    this.guard = guard;
    this.leases = new TokenLeases(cfg.window());
    this.client = (RedisClient) redis.getRequiredNativeClient();
    this.uri = RedisEndpoint.uriOf(redis);
    this.retryNanos = guard.breakerWait().toNanos();
    this.lastAttempt = new AtomicLong(System.nanoTime() - retryNanos);
    // At start-up wait briefly for Redis so the first requests already share buckets; an absent
    // Redis fails fast on loopback and the instance starts on local buckets.
    try {
      connect().get(START_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // connect() logged it.
    }
  }

  /** Takes one token from the bucket {@code key} allowing {@code perWindow} requests. */
  public Mono<Result> consume(String key, long perWindow) {
    Result now = consumeNow(key, perWindow);
    return now != null ? Mono.just(now) : consumeShared(key, perWindow);
  }

  /**
   * The answer this replica can give without waiting: a token from its lease on the shared bucket,
   * or from its own bucket while Redis is away. Null when only Redis can answer ({@link
   * #consumeShared}). Most requests of a busy user end here, without a reactive step.
   */
  public Result consumeNow(String key, long perWindow) {
    String fullKey = fullKey(key, perWindow);
    AsyncProxyManager<byte[]> proxies = shared;
    if (proxies == null || !guard.available()) {
      if (proxies == null) {
        connect();
      }
      return locally(fullKey, perWindow);
    }
    return cfg.leaseSize(perWindow) > 1 ? leases.take(fullKey, perWindow, System.nanoTime()) : null;
  }

  /**
   * Takes one token from the shared bucket in Redis, leasing a share of it when the bucket is big
   * enough; falls back to this replica's bucket when Redis fails. For a request {@link #consumeNow}
   * could not answer.
   */
  public Mono<Result> consumeShared(String key, long perWindow) {
    String fullKey = fullKey(key, perWindow);
    AsyncProxyManager<byte[]> proxies = shared;
    if (proxies == null || !guard.available()) {
      return Mono.fromSupplier(() -> locally(fullKey, perWindow));
    }
    long chunk = cfg.leaseSize(perWindow);
    if (chunk > 1) {
      return remote(proxies, fullKey, perWindow, chunk)
          .flatMap(
              p -> {
                if (p.isConsumed()) {
                  return Mono.just(leases.granted(fullKey, perWindow, chunk, p, System.nanoTime()));
                }
                // Fewer tokens left than a lease: the last ones go one request at a time.
                return p.getRemainingTokens() > 0
                    ? remote(proxies, fullKey, perWindow, 1).map(one -> result(one, perWindow))
                    : Mono.just(result(p, perWindow));
              })
          .onErrorResume(e -> fallBack(e, fullKey, perWindow));
    }
    return remote(proxies, fullKey, perWindow, 1)
        .map(p -> result(p, perWindow))
        .onErrorResume(e -> fallBack(e, fullKey, perWindow));
  }

  private String fullKey(String key, long perWindow) {
    return cfg.keyPrefix() + ":" + key + ":" + perWindow;
  }

  /** Takes {@code tokens} from the shared bucket in Redis, in one compare-and-swap. */
  private Mono<ConsumptionProbe> remote(
      AsyncProxyManager<byte[]> proxies, String fullKey, long perWindow, long tokens) {
    // Started on subscription, so a call the open circuit refuses never reaches Redis.
    Mono<ConsumptionProbe> probe =
        Mono.fromFuture(
            () ->
                proxies
                    .builder()
                    .build(
                        fullKey.getBytes(StandardCharsets.UTF_8),
                        () -> CompletableFuture.completedFuture(configuration(perWindow)))
                    .tryConsumeAndReturnRemaining(tokens));
    // A check waits as long as a write: its fallback, a per-instance budget, is weaker than the
    // cache's (the database). Continue off Lettuce's I/O thread: the rest of the request must
    // never run on it.
    return guard.write(probe).publishOn(Schedulers.parallel());
  }

  /** Redis failed this check (and the guard counted it): the instance's own bucket answers. */
  private Mono<Result> fallBack(Throwable e, String fullKey, long perWindow) {
    return Mono.just(locally(fullKey, perWindow));
  }

  /** Whether checks currently go to the in-memory buckets. */
  public boolean isDegraded() {
    return !isShared();
  }

  private Result locally(String key, long perWindow) {
    Bucket bucket = local.get(key, k -> Bucket.builder().addLimit(bandwidth(perWindow)).build());
    return result(bucket.tryConsumeAndReturnRemaining(1), perWindow);
  }

  private Result result(ConsumptionProbe p, long perWindow) {
    long reset = seconds(p.getNanosToWaitForReset());
    return new Result(
        p.isConsumed(),
        perWindow,
        p.getRemainingTokens(),
        reset,
        p.isConsumed() ? 0 : Math.max(1, seconds(p.getNanosToWaitForRefill())));
  }

  static long seconds(long nanos) {
    return (nanos + 999_999_999L) / 1_000_000_000L;
  }

  private BucketConfiguration configuration(long perWindow) {
    return BucketConfiguration.builder().addLimit(bandwidth(perWindow)).build();
  }

  /**
   * A fixed window per bucket: {@code perWindow} requests, refilled at once when the window ends,
   * so a budget is exactly what the RateLimit headers announce (no trickle refill mid-window).
   */
  private Bandwidth bandwidth(long perWindow) {
    return Bandwidth.builder()
        .capacity(perWindow)
        .refillIntervally(perWindow, cfg.window())
        .build();
  }

  /** Whether checks currently go to the shared Redis buckets. */
  public boolean isShared() {
    return shared != null && guard.available();
  }

  /**
   * Makes the connection in the background, at most once per interval, until one is made; never
   * blocks a request. Once made, Lettuce keeps it (reconnecting on its own).
   */
  private CompletableFuture<?> connect() {
    long now = System.nanoTime();
    long last = lastAttempt.get();
    if (shared != null
        || now - last < retryNanos
        || !lastAttempt.compareAndSet(last, now)
        || !connecting.compareAndSet(false, true)) {
      return CompletableFuture.completedFuture(null);
    }
    return client
        .connectAsync(RedisCodec.of(ByteArrayCodec.INSTANCE, ByteArrayCodec.INSTANCE), uri)
        .toCompletableFuture()
        .whenComplete(
            (conn, error) -> {
              connecting.set(false);
              if (error != null) {
                if (!failedOnce) {
                  failedOnce = true;
                  log.warn(
                      "Redis unreachable for rate limiting ({}); per-instance buckets until it"
                          + " answers",
                      error.toString());
                }
                return;
              }
              connection = conn;
              shared =
                  Bucket4jLettuce.casBasedBuilder(conn)
                      .expirationAfterWrite(
                          ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                              cfg.window().multipliedBy(2)))
                      .build()
                      .asAsync();
              if (failedOnce) {
                log.info("Rate limits are shared through Redis");
              }
            });
  }

  @Override
  public void destroy() {
    StatefulRedisConnection<byte[], byte[]> c = connection;
    if (c != null) {
      c.close();
    }
  }
}
