package io.kaleem.api.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.TimeoutOptions;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How the API's one Lettuce client behaves when Redis is away. Everything that uses Redis here
 * (cache L2 and invalidations, rate limits, health) has a way to serve without it, so a command
 * must fail fast rather than wait: commands on a disconnected connection are rejected at once
 * instead of being buffered until Redis returns, and every command times out after {@code
 * spring.data.redis.timeout}. Connections reconnect on their own in the background.
 */
@Configuration(proxyBeanMethods = false)
public class RedisClientOptions {

  @Bean
  LettuceClientOptionsBuilderCustomizer failFastWhenRedisIsAway(
      @Value("${spring.data.redis.timeout:250ms}") Duration timeout) {
    return builder ->
        builder
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(timeout));
  }
}
