package io.kaleem.api.security;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code kaleem.security.*}: token keys and lifetimes, CORS, rate limits, demo users, request
 * timeout. Secrets (the JWK set) come from the environment or a Secret, never from this file.
 */
@ConfigurationProperties("kaleem.security")
public record SecurityProperties(
    @DefaultValue Jwt jwt,
    @DefaultValue Cors cors,
    @DefaultValue RateLimit rateLimit,
    @DefaultValue DemoUsers demoUsers,
    @DefaultValue("10s") Duration requestTimeout) {

  /**
   * @param issuer {@code iss} written and required
   * @param audience {@code aud} written and required
   * @param accessTokenTtl access token lifetime
   * @param refreshTokenTtl refresh token (and family) lifetime
   * @param jwkSet a JWK set as JSON (private keys; from a Secret); empty means a dev key
   * @param activeKid the key that signs new tokens; the others only verify (rotation)
   * @param devKeyFile where a dev key set is generated and kept when {@code jwkSet} is empty; empty
   *     means an ephemeral in-memory key (tests)
   * @param requireConfiguredKeys refuse to start without {@code jwkSet} (production)
   * @param verifiedCacheSize most verified access tokens kept per replica (0: verify every request)
   * @param verifiedCacheTtl longest a verified token is trusted without verifying its signature
   *     again (also bounded by its {@code exp}); the delay before a removed key stops working
   */
  public record Jwt(
      @DefaultValue("https://api.kaleem.local") String issuer,
      @DefaultValue("kaleem-api") String audience,
      @DefaultValue("15m") Duration accessTokenTtl,
      @DefaultValue("30d") Duration refreshTokenTtl,
      @DefaultValue("") String jwkSet,
      @DefaultValue("") String activeKid,
      @DefaultValue("") String devKeyFile,
      @DefaultValue("false") boolean requireConfiguredKeys,
      @DefaultValue("10000") long verifiedCacheSize,
      @DefaultValue("60s") Duration verifiedCacheTtl) {}

  /**
   * @param allowedOrigins browser origins allowed to call the API; none by default
   */
  public record Cors(@DefaultValue List<String> allowedOrigins) {}

  /**
   * Requests per {@code window}. Authenticated callers are limited per user at their plan's rate
   * ({@code plan} claim, else {@code defaultPlan}; platform admins use the {@code platform} plan),
   * anonymous callers per client IP; {@code /api/v1/auth/**} per IP at {@code auth}; login attempts
   * per account at {@code loginPerAccount}.
   *
   * <p>{@code leaseShare}: the share of a bucket a replica takes from Redis at once and hands out
   * locally (never more than the budget; tokens unspent when the window ends are lost). Buckets too
   * small for a lease of two tokens go to Redis on every request. How long a check waits for Redis,
   * and when Redis counts as sick, is the API's one Redis policy ({@code kaleem.redis.*}).
   */
  public record RateLimit(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("rl:local") String keyPrefix,
      @DefaultValue("1m") Duration window,
      @DefaultValue("60") long anonymous,
      @DefaultValue("20") long auth,
      @DefaultValue("5") long loginPerAccount,
      @DefaultValue("free") String defaultPlan,
      @DefaultValue Map<String, Long> plans,
      @DefaultValue("0.02") double leaseShare) {

    public RateLimit {
      if (leaseShare < 0 || leaseShare > 0.5) {
        throw new IllegalArgumentException(
            "kaleem.security.rate-limit.lease-share must be between 0 and 0.5, was " + leaseShare);
      }
    }

    /** Requests per window for a plan; unknown plans get the default plan's rate. */
    public long forPlan(String plan) {
      Long rate = plan == null ? null : plans.get(plan);
      if (rate != null) {
        return rate;
      }
      return plans.getOrDefault(defaultPlan, 120L);
    }
  }

  /**
   * @param enabled create demo accounts at start-up (embedded {@code make run} only)
   */
  public record DemoUsers(@DefaultValue("false") boolean enabled) {}
}
