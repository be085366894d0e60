package io.kaleem.api.redis;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code kaleem.redis.*}: the one policy that decides Redis is sick, for everything that uses it
 * (cache L2, rate-limit buckets).
 *
 * @param readTimeout a request-path call (a cache read, a rate-limit check) slower than this fails
 *     and the caller serves without Redis; also the breaker's "slow call" bound
 * @param writeTimeout a call off the answer's critical path (a cache fill, an invalidation, a
 *     warming lease) may wait this long
 * @param breakerWait how long the circuit stays open before a few probe calls go to Redis again
 */
@ConfigurationProperties("kaleem.redis")
public record RedisGuardProperties(
    @DefaultValue("50ms") Duration readTimeout,
    @DefaultValue("250ms") Duration writeTimeout,
    @DefaultValue("2s") Duration breakerWait) {}
