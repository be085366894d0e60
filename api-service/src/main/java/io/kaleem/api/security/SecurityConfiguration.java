package io.kaleem.api.security;

import io.kaleem.api.errors.ProblemWriter;
import io.kaleem.api.ratelimit.RateLimiter;
import io.kaleem.api.redis.RedisGuard;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.cors.reactive.CorsWebFilter;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The one security filter: stateless bearer JWTs, the {@link AccessPolicy}, rate limits,
 * problem+json for 401/403/404, CORS from configuration and security headers. There is no switch
 * that turns it off.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

  @Bean
  JwtKeys jwtKeys(SecurityProperties props) {
    return JwtKeys.from(props.jwt());
  }

  /**
   * New hashes are {@code {argon2}}: bcrypt reads only the first 72 bytes of a password, and a
   * password may be 128 characters of Arabic (256 bytes). Stored hashes name their algorithm, so
   * existing {@code {bcrypt}} hashes keep verifying through the same delegating encoder.
   */
  @Bean
  PasswordEncoder passwordEncoder() {
    Map<String, PasswordEncoder> encoders = new HashMap<>();
    encoders.put("argon2", Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8());
    encoders.put("bcrypt", new BCryptPasswordEncoder());
    return new DelegatingPasswordEncoder("argon2", encoders);
  }

  /** Clock skew allowed on {@code exp} and {@code nbf}. */
  static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

  /** The verifying decoder behind a bounded cache of verified tokens. */
  @Bean
  VerifiedTokenCache jwtDecoder(JwtKeys keys, SecurityProperties props, Clock clock) {
    return new VerifiedTokenCache(
        verifyingDecoder(keys, props, clock),
        clock,
        CLOCK_SKEW,
        props.jwt().verifiedCacheTtl(),
        props.jwt().verifiedCacheSize());
  }

  /** Checks signature (ES256, our keys by kid) and claims on every call. */
  static ReactiveJwtDecoder verifyingDecoder(JwtKeys keys, SecurityProperties props, Clock clock) {
    NimbusReactiveJwtDecoder decoder =
        NimbusReactiveJwtDecoder.withJwkSource(
                jwt -> Flux.fromIterable(keys.verificationKeys(jwt.getHeader().getKeyID())))
            .jwsAlgorithm(SignatureAlgorithm.ES256)
            .build();
    JwtTimestampValidator time = new JwtTimestampValidator(CLOCK_SKEW);
    time.setClock(clock);
    String audience = props.jwt().audience();
    decoder.setJwtValidator(
        new DelegatingOAuth2TokenValidator<>(
            time,
            new JwtIssuerValidator(props.jwt().issuer()),
            new JwtClaimValidator<List<String>>(
                JwtClaimNames.AUD, aud -> aud != null && aud.contains(audience)),
            new JwtClaimValidator<Object>(JwtClaimNames.EXP, exp -> exp != null),
            new JwtClaimValidator<Object>(
                AccessTokenIssuer.ROLES, SecurityConfiguration::knownRole),
            new JwtClaimValidator<Object>(AccessTokenIssuer.MERCHANT, c -> textOrAbsent(c)),
            new JwtClaimValidator<Object>(AccessTokenIssuer.PLAN, c -> textOrAbsent(c))));
    return decoder;
  }

  /**
   * Claims are checked as {@code Object}: a signed token whose claim has another JSON type (a
   * string where a list belongs) is a bad token, refused with 401, never a cast failure.
   */
  private static boolean knownRole(Object roles) {
    if (!(roles instanceof List<?> list) || list.size() != 1) {
      return false;
    }
    for (Role r : Role.values()) {
      if (r.name().equals(list.get(0))) {
        return true;
      }
    }
    return false;
  }

  private static boolean textOrAbsent(Object claim) {
    return claim == null || claim instanceof String;
  }

  /**
   * The rate limiter's buckets, kept as {@code kaleem.security.rate-limit} says; what a request
   * draws from them is the {@link RequestBudget}'s business.
   */
  @Bean
  RateLimiter rateLimiter(
      SecurityProperties props, LettuceConnectionFactory redis, RedisGuard guard) {
    SecurityProperties.RateLimit cfg = props.rateLimit();
    return new RateLimiter(
        new RateLimiter.Settings(cfg.keyPrefix(), cfg.window(), cfg.leaseShare()), redis, guard);
  }

  /**
   * Every request's security, in Spring Security's place in the web filter chain: firewall, CORS
   * when origins are configured, then the {@link AccessGate}.
   */
  @Bean
  SecurityFilter securityFilter(
      VerifiedTokenCache decoder,
      ProblemWriter problems,
      RateLimiter limiter,
      RequestBudgets plans,
      SecurityProperties props) {
    JwtReactiveAuthenticationManager tokens = new JwtReactiveAuthenticationManager(decoder);
    tokens.setJwtAuthenticationConverter(
        jwt -> Mono.just(AccessGate.authentication(jwt, CurrentUser.of(jwt))));
    CorsWebFilter cors =
        props.cors().allowedOrigins().isEmpty() ? null : new CorsWebFilter(cors(props.cors()));
    return new SecurityFilter(
        new RequestFirewall(),
        cors,
        new AccessGate(
            decoder,
            tokens,
            new RequestBudget(limiter, plans, props.rateLimit(), problems),
            problems),
        problems);
  }

  /** The configured origins' CORS rules (the chain has no CORS filter without origins). */
  static CorsConfigurationSource cors(SecurityProperties.Cors cfg) {
    CorsConfiguration c = new CorsConfiguration();
    c.setAllowedOrigins(cfg.allowedOrigins());
    c.setAllowedMethods(List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"));
    c.setAllowedHeaders(
        List.of(HttpHeaders.AUTHORIZATION, HttpHeaders.CONTENT_TYPE, "X-Request-Id"));
    c.setExposedHeaders(
        List.of(
            "X-Request-Id",
            "RateLimit",
            "RateLimit-Policy",
            HttpHeaders.RETRY_AFTER,
            HttpHeaders.LOCATION));
    c.setAllowCredentials(false);
    c.setMaxAge(Duration.ofMinutes(10));
    UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
    source.registerCorsConfiguration("/**", c);
    return source;
  }
}
