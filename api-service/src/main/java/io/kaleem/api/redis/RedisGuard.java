package io.kaleem.api.redis;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The one decision "Redis is sick" for the whole API: a single Resilience4j circuit breaker that
 * every Redis call on a serving path goes through (cache L2 reads and fills, rate-limit buckets,
 * warming leases), each call bounded by a timeout. After half of the last 20 calls (at least 5)
 * failed or were slower than {@code kaleem.redis.read-timeout}, the circuit opens: every user of
 * Redis serves without it at once (the cache from L1 and MongoDB, the rate limiter from
 * per-instance buckets) for {@code breaker-wait}; then three probe calls decide whether Redis is
 * back.
 *
 * <p>A guarded call never throws at its caller for Redis's sake: it fails with the breaker's or the
 * timeout's error, and each caller turns that failure into its documented fallback. Since the
 * decision is shared, a cache that just found Redis sick spares the rate limiter its own timeouts,
 * and the other way round. Commands on a lost connection are rejected at once ({@link
 * RedisClientOptions}), so a dead Redis opens the circuit within a handful of requests.
 */
@Component
public class RedisGuard {

  private static final Logger log = LoggerFactory.getLogger(RedisGuard.class);

  private final RedisGuardProperties cfg;
  private final CircuitBreaker breaker;
  private final List<Runnable> onRecovery = new CopyOnWriteArrayList<>();
  private volatile boolean connected = true;

  public RedisGuard(RedisGuardProperties cfg) {
    this.cfg = cfg;
    this.breaker =
        CircuitBreaker.of(
            "redis",
            CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(20)
                .minimumNumberOfCalls(5)
                .failureRateThreshold(50)
                .slowCallDurationThreshold(cfg.readTimeout())
                .slowCallRateThreshold(50)
                .waitDurationInOpenState(cfg.breakerWait())
                // Probing starts when the wait is over, not at the next guarded call: callers
                // that skip Redis while the circuit is open (available() false) would otherwise
                // keep it open forever once no other call tries.
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .permittedNumberOfCallsInHalfOpenState(3)
                .build());
    breaker
        .getEventPublisher()
        .onStateTransition(
            e -> {
              CircuitBreaker.State to = e.getStateTransition().getToState();
              if (to == CircuitBreaker.State.OPEN
                  && e.getStateTransition().getFromState() == CircuitBreaker.State.CLOSED) {
                log.warn(
                    "Redis is failing or slow: serving without it (cache: L1 + database; rate"
                        + " limits: per-instance buckets) and probing again every {}",
                    cfg.breakerWait());
              } else if (to == CircuitBreaker.State.CLOSED) {
                log.info("Redis answers again: cache L2 and shared rate limits are back");
                onRecovery.forEach(Runnable::run);
              }
            });
  }

  /** A request-path call: bounded by {@code read-timeout}, through the breaker. */
  public <T> Mono<T> read(Mono<T> call) {
    return bounded(call, cfg.readTimeout());
  }

  /**
   * A call off the answer's critical path: bounded by {@code write-timeout}, through the breaker.
   */
  public <T> Mono<T> write(Mono<T> call) {
    return bounded(call, cfg.writeTimeout());
  }

  /** A call bounded by {@code limit}, through the breaker (admin scans). */
  public <T> Mono<T> bounded(Mono<T> call, Duration limit) {
    return call.timeout(limit).transformDeferred(CircuitBreakerOperator.of(breaker));
  }

  /**
   * A call that must not wait for the breaker (an invalidation: it should reach Redis whenever
   * Redis can take it), bounded by {@code write-timeout}; refused at once while the shared
   * connection was never made, so it cannot open that connection on the calling thread.
   */
  public <T> Mono<T> unbroken(Mono<T> call) {
    return Mono.defer(
        () ->
            connected
                ? call.timeout(cfg.writeTimeout())
                : Mono.error(new IllegalStateException("no Redis connection yet")));
  }

  /**
   * Redis could not be reached when the shared connection was first opened: until {@link
   * #connectionMade} every call is refused at once (circuit forced open), so no request thread ever
   * runs Spring Data Redis's lazy, blocking connect.
   */
  void awaitConnection() {
    connected = false;
    breaker.transitionToForcedOpenState();
  }

  /** The shared connection is open (made off the request threads): calls go to Redis again. */
  void connectionMade() {
    connected = true;
    breaker.transitionToClosedState();
  }

  /**
   * Whether calls currently go to Redis (circuit closed or probing). A caller may skip Redis
   * without building a call when this is false; it must still treat a failed call as "sick".
   */
  public boolean available() {
    CircuitBreaker.State s = breaker.getState();
    return s != CircuitBreaker.State.OPEN && s != CircuitBreaker.State.FORCED_OPEN;
  }

  /** The circuit's state name, for stats and health detail. */
  public String state() {
    return breaker.getState().name();
  }

  /** Runs {@code action} each time the circuit closes again (Redis answered the probes). */
  public void onRecovery(Runnable action) {
    onRecovery.add(action);
  }

  public Duration readTimeout() {
    return cfg.readTimeout();
  }

  public Duration writeTimeout() {
    return cfg.writeTimeout();
  }

  public Duration breakerWait() {
    return cfg.breakerWait();
  }
}
