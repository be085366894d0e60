package io.kaleem.api.redis;

import io.lettuce.core.RedisURI;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The Redis server Spring Data Redis's connection factory talks to, as a Lettuce {@link RedisURI}:
 * for code that opens its own connection on the factory's native client (the rate limiter's
 * byte-array connection, the cache's invalidation subscription) and must reach the same server with
 * the same credentials as the factory, whichever {@code spring.data.redis.*} form configured it
 * ({@code url} from {@code REDIS_URL}, or host/port/password).
 */
public final class RedisEndpoint {

  private RedisEndpoint() {}

  public static RedisURI uriOf(LettuceConnectionFactory factory) {
    RedisStandaloneConfiguration c = factory.getStandaloneConfiguration();
    RedisURI.Builder b =
        RedisURI.builder()
            .withHost(c.getHostName())
            .withPort(c.getPort())
            .withDatabase(c.getDatabase())
            .withSsl(factory.isUseSsl());
    if (c.getPassword().isPresent()) {
      char[] password = c.getPassword().get();
      if (c.getUsername() != null) {
        b.withAuthentication(c.getUsername(), password);
      } else {
        b.withPassword(password);
      }
    }
    return b.build();
  }
}
