package io.kaleem.api.cache;

import io.kaleem.api.redis.RedisGuard;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.serializer.RedisSerializationContext;
import org.springframework.data.redis.serializer.RedisSerializer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The cache's Redis calls (Spring Data Redis's reactive template on the API's one Lettuce client),
 * each bounded and behind the API's one {@link RedisGuard} (the circuit breaker the rate limiter
 * shares): reads by {@code kaleem.redis.read-timeout}, fills and leases by {@code write-timeout}.
 * Callers treat every failure as "L2 has nothing": a read goes on to the database, a fill is
 * dropped, so a sick Redis costs a request at most one timeout and, once the circuit is open,
 * nothing.
 */
final class RedisL2 {

  private static final RedisScript<Long> DELETE_IF_OWNED =
      RedisScript.of(
          "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end"
              + " return 0",
          Long.class);

  private final ReactiveRedisTemplate<String, byte[]> redis;
  private final RedisGuard guard;

  RedisL2(ReactiveRedisConnectionFactory factory, RedisGuard guard) {
    this.redis =
        new ReactiveRedisTemplate<>(
            factory,
            RedisSerializationContext.<String, byte[]>newSerializationContext(
                    RedisSerializer.string())
                .value(RedisSerializer.byteArray())
                .build());
    this.guard = guard;
  }

  RedisGuard guard() {
    return guard;
  }

  /** Whether calls currently go to Redis (circuit closed or probing). */
  boolean available() {
    return guard.available();
  }

  Mono<byte[]> get(String key) {
    return guard.read(redis.opsForValue().get(key));
  }

  /**
   * Stores a value unless the key holds one or a writer's fence: a late fill never wins. Fills run
   * after the answer, so they may wait longer than reads.
   */
  Mono<Boolean> fill(String key, byte[] value, Duration ttl) {
    return guard.write(redis.opsForValue().setIfAbsent(key, value, ttl));
  }

  /**
   * Replaces whatever the key holds with a short-lived fence (see {@link #fill}). Invalidations
   * (fence, generation, publish) do not ask the breaker: a write must reach Redis whenever Redis
   * can take it, and waits at most {@code kaleem.redis.write-timeout}; a command on a lost
   * connection fails at once.
   */
  Mono<Boolean> fence(String key, Duration fenceFor) {
    return guard.unbroken(redis.opsForValue().set(key, ValueCodec.FENCE, fenceFor));
  }

  Mono<Long> increment(String key) {
    return guard.unbroken(redis.opsForValue().increment(key));
  }

  Mono<Long> readLong(String key) {
    return get(key).map(b -> Long.parseLong(new String(b, StandardCharsets.US_ASCII)));
  }

  Mono<Long> publish(String channel, String message) {
    return guard.unbroken(redis.convertAndSend(channel, message.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Takes a lease: true when this caller holds it now. Leases are off the request path, so they
   * wait as long as a write does: a SET that times out may still have landed, and its caller must
   * then leave the tick, so a read-sized timeout would turn a busy Redis into a skipped tick.
   */
  Mono<Boolean> lease(String key, String owner, Duration ttl) {
    return guard.write(
        redis.opsForValue().setIfAbsent(key, owner.getBytes(StandardCharsets.UTF_8), ttl));
  }

  Mono<Boolean> release(String key, String owner) {
    return guard
        .write(
            redis
                .execute(
                    DELETE_IF_OWNED, List.of(key), List.of(owner.getBytes(StandardCharsets.UTF_8)))
                .next())
        .map(n -> n != null && n > 0);
  }

  /**
   * Deletes every key matching {@code pattern} (a literal prefix and a trailing {@code *}), by SCAN
   * in batches: never KEYS, which would stop Redis for the whole keyspace.
   */
  Mono<Long> deleteMatching(String pattern, Duration limit) {
    Flux<Long> deleted =
        redis
            .scan(ScanOptions.scanOptions().match(pattern).count(500).build())
            .buffer(500)
            .concatMap(keys -> redis.unlink(keys.toArray(String[]::new)));
    return guard.bounded(deleted.reduce(0L, Long::sum), limit);
  }

  /** Keys and bytes of the tenant's cache in Redis, for the admin stats. */
  Mono<Long> count(String pattern, Duration limit) {
    return guard.bounded(
        redis.scan(ScanOptions.scanOptions().match(pattern).count(1000).build()).count(), limit);
  }
}
