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
import io.kaleem.api.security.SecurityProperties;
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
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Token buckets shared by every replica through Redis (Bucket4j's compare-and-swap Lettuce
 * backend). When Redis cannot be reached (absent at start-up, stopped, slow past {@code
 * redis-timeout}) each instance falls back to its own in-memory buckets, logs that once, and keeps
 * serving; it returns to the shared buckets as soon as Redis answers again.
 *
 * <p>The Lettuce client is the API's one Redis client, the native client of Spring Data Redis's
 * connection factory ({@code spring.data.redis.*}, {@code REDIS_URL}); this class owns only its
 * byte-array connection, which Bucket4j needs. A closed connection is replaced by a new one at most
 * once every two seconds, driven by requests, while commands on a disconnected one are rejected at
 * once (see {@code RedisClientOptions}), so no request waits for Redis to come back.
 */
@Component
public class RateLimiter implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);
  private static final long RECONNECT_INTERVAL_NANOS = Duration.ofSeconds(2).toNanos();

  /** The outcome of one request against one limit. */
  public record Result(
      boolean allowed, long limit, long remaining, long resetSeconds, long retryAfterSeconds) {}

  private final SecurityProperties.RateLimit cfg;
  private final RedisClient client;
  private final Cache<String, Bucket> local =
      Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(10)).maximumSize(100_000).build();
  private final TokenLeases leases;
  private final AtomicBoolean degraded = new AtomicBoolean(false);
  private final AtomicBoolean connecting = new AtomicBoolean(false);
  private final AtomicLong lastAttempt =
      new AtomicLong(System.nanoTime() - RECONNECT_INTERVAL_NANOS);
  private volatile StatefulRedisConnection<byte[], byte[]> connection;
  private volatile AsyncProxyManager<byte[]> shared;

  private final RedisURI uri;

  public RateLimiter(SecurityProperties props, LettuceConnectionFactory redis) {
    this.cfg = props.rateLimit();
    this.leases = new TokenLeases(cfg.window());
    this.client = (RedisClient) redis.getRequiredNativeClient();
    this.uri = RedisEndpoint.uriOf(redis);
    uri.setTimeout(cfg.redisTimeout().multipliedBy(4));
    // At start-up wait briefly for Redis so the first requests already share buckets; an absent
    // Redis fails fast on loopback and the instance starts on local buckets.
    try {
      connect().get(cfg.redisTimeout().multipliedBy(8).toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      degradedOnce(e.getCause() == null ? e : e.getCause());
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
    if (proxies == null || !connection.isOpen()) {
      if (proxies != null) {
        degradedOnce(new IllegalStateException("connection to " + uri.toString() + " closed"));
      }
      connect();
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
    if (proxies == null) {
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
    CompletableFuture<ConsumptionProbe> probe =
        proxies
            .builder()
            .build(
                fullKey.getBytes(StandardCharsets.UTF_8),
                () -> CompletableFuture.completedFuture(configuration(perWindow)))
            .tryConsumeAndReturnRemaining(tokens);
    // Continue off Lettuce's I/O thread: the rest of the request must never run on it.
    return Mono.fromFuture(probe)
        .timeout(cfg.redisTimeout())
        .publishOn(Schedulers.parallel())
        .doOnNext(
            p -> {
              if (degraded.compareAndSet(true, false)) {
                log.info("Rate limits are shared through Redis again");
              }
            });
  }

  private Mono<Result> fallBack(Throwable e, String fullKey, long perWindow) {
    degradedOnce(e);
    return Mono.just(locally(fullKey, perWindow));
  }

  /** Whether the last check went to the in-memory buckets. */
  public boolean isDegraded() {
    return degraded.get();
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

  private void degradedOnce(Throwable e) {
    if (degraded.compareAndSet(false, true)) {
      log.warn(
          "Redis unreachable for rate limiting ({}); using per-instance buckets until it returns",
          e.toString());
    }
  }

  /** Whether checks currently go to the shared Redis buckets. */
  public boolean isShared() {
    StatefulRedisConnection<byte[], byte[]> c = connection;
    return shared != null && c != null && c.isOpen() && !degraded.get();
  }

  /** Connects in the background, at most once per interval; never blocks a request. */
  private CompletableFuture<?> connect() {
    long now = System.nanoTime();
    long last = lastAttempt.get();
    if (now - last < RECONNECT_INTERVAL_NANOS
        || !lastAttempt.compareAndSet(last, now)
        || !connecting.compareAndSet(false, true)) {
      return CompletableFuture.completedFuture(null);
    }
    StatefulRedisConnection<byte[], byte[]> previous = connection;
    if (previous != null && previous.isOpen()) {
      connecting.set(false);
      return CompletableFuture.completedFuture(null);
    }
    return client
        .connectAsync(RedisCodec.of(ByteArrayCodec.INSTANCE, ByteArrayCodec.INSTANCE), uri)
        .toCompletableFuture()
        .whenComplete(
            (conn, error) -> {
              connecting.set(false);
              if (error != null) {
                degradedOnce(error);
                return;
              }
              if (previous != null) {
                previous.closeAsync();
              }
              connection = conn;
              shared =
                  Bucket4jLettuce.casBasedBuilder(conn)
                      .expirationAfterWrite(
                          ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                              cfg.window().multipliedBy(2)))
                      .build()
                      .asAsync();
              if (degraded.compareAndSet(true, false)) {
                log.info("Rate limits are shared through Redis again");
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
