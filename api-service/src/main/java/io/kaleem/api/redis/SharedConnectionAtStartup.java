package io.kaleem.api.redis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * Opens the connection factory's shared Lettuce connection on the start-up thread. Spring Data
 * Redis opens it lazily, with a blocking {@code connect()}, on the first reactive command: left
 * alone, that first command (a request's cache read, a warming tick) would wait for the TCP and
 * handshake on an event loop, which BlockHound reports. Once open, Lettuce reconnects the same
 * connection in the background after a Redis restart, so no later command connects again.
 *
 * <p>Redis unreachable at start-up is not fatal (the cache and the rate limiter serve without it):
 * the failure is logged and the first command after Redis returns connects instead, bounded by
 * {@code spring.data.redis.connect-timeout}.
 */
@Component
class SharedConnectionAtStartup implements SmartInitializingSingleton {

  private static final Logger log = LoggerFactory.getLogger(SharedConnectionAtStartup.class);

  private final LettuceConnectionFactory factory;

  SharedConnectionAtStartup(LettuceConnectionFactory factory) {
    this.factory = factory;
  }

  @Override
  public void afterSingletonsInstantiated() {
    try {
      // Closing this handle leaves the shared native connection it was opened on open.
      ReactiveRedisConnection handle = factory.getReactiveConnection();
      handle.close();
    } catch (RuntimeException e) {
      log.warn(
          "Redis is not reachable at start-up; serving without it until it is: {}", e.toString());
    }
  }
}
