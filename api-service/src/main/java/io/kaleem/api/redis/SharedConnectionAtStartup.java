package io.kaleem.api.redis;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Opens the connection factory's shared Lettuce connection off the request threads. Spring Data
 * Redis opens it lazily, with a blocking {@code connect()}, on the first reactive command: left
 * alone, that first command (a request's cache read, a warming tick) would wait for the TCP and
 * handshake on an event loop. So it is opened here on the start-up thread; once open, Lettuce
 * reconnects the same connection in the background after a Redis restart, so no later command
 * connects again.
 *
 * <p>Redis unreachable at start-up is not fatal (the cache and the rate limiter serve without it):
 * the {@link RedisGuard} refuses every Redis call at once while a bounded-elastic thread tries
 * again every {@code kaleem.redis.breaker-wait}; when the connection is made, calls go to Redis.
 */
@Component
class SharedConnectionAtStartup implements SmartInitializingSingleton, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(SharedConnectionAtStartup.class);

  private final LettuceConnectionFactory factory;
  private final RedisGuard guard;
  private volatile Disposable retries;

  SharedConnectionAtStartup(LettuceConnectionFactory factory, RedisGuard guard) {
    this.factory = factory;
    this.guard = guard;
  }

  @Override
  public void afterSingletonsInstantiated() {
    try {
      open();
    } catch (RuntimeException e) {
      log.warn(
          "Redis is not reachable at start-up; serving without it until it is: {}", e.toString());
      guard.awaitConnection();
      Duration every = guard.breakerWait();
      retries =
          Flux.interval(every, every, Schedulers.boundedElastic())
              .filter(tick -> opened())
              .next()
              .subscribe(
                  tick -> {
                    log.info("Redis is reachable: its shared connection is open");
                    guard.connectionMade();
                  });
    }
  }

  /** Opens the shared connection (blocking); closing the handle leaves that connection open. */
  private void open() {
    ReactiveRedisConnection handle = factory.getReactiveConnection();
    handle.close();
  }

  private boolean opened() {
    try {
      open();
      return true;
    } catch (RuntimeException stillAway) {
      return false;
    }
  }

  @Override
  public void destroy() {
    Disposable r = retries;
    if (r != null) {
      r.dispose();
    }
  }
}
