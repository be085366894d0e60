package io.kaleem.api.cache;

import io.kaleem.api.redis.RedisGuard;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.UUID;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/** Wires the two-level cache onto the API's Redis connection factory and meter registry. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CacheProperties.class)
class CacheConfiguration {

  /** This instance's name on the invalidation channel's Redis connection ({@code CLIENT LIST}). */
  static final String CLIENT_NAME_PREFIX = "kaleem-cache-";

  @Bean
  CacheMetrics cacheMetrics(MeterRegistry registry) {
    return new CacheMetrics(registry);
  }

  @Bean(destroyMethod = "close")
  TwoLevelCache twoLevelCache(
      CacheProperties props,
      LettuceConnectionFactory redis,
      RedisGuard guard,
      CacheMetrics metrics) {
    TwoLevelCache cache = new TwoLevelCache(props, new RedisL2(redis, guard), metrics);
    if (props.enabled()) {
      cache.listen(
          new InvalidationChannel(
              redis,
              cache.keys().channel(),
              CLIENT_NAME_PREFIX + UUID.randomUUID(),
              cache::onMessage,
              cache::onResubscribed));
    }
    return cache;
  }
}
