package io.kaleem.api.security;

import io.kaleem.api.errors.ProblemWriter;
import io.kaleem.api.ratelimit.RateLimitGate;
import io.kaleem.api.ratelimit.RateLimiter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
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
import org.springframework.security.web.server.MatcherSecurityWebFilterChain;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.cors.reactive.CorsWebFilter;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The one security filter chain: stateless bearer JWTs, the {@link AccessPolicy}, rate limits,
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
   * No Spring Security observations. Disabling them by name in {@code management.observations}
   * still left Spring Security's observation decorator around every filter (a deferred Mono, a
   * checkpoint and a no-op observation per filter per request); this setting removes the decorator
   * itself. The HTTP server observation still times every request, security included.
   */
  @Bean
  static SecurityObservationSettings securityObservationSettings() {
    return SecurityObservationSettings.noObservations();
  }

  /** Used by Spring Security's WebFilterChainProxy for every request. */
  @Bean
  static ServerWebExchangeFirewall requestFirewall() {
    return new RequestFirewall();
  }

  @Bean
  PasswordEncoder passwordEncoder() {
    // {bcrypt} by default; stored hashes name their algorithm, so the default can move on.
    return PasswordEncoderFactories.createDelegatingPasswordEncoder();
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
            new JwtClaimValidator<List<String>>(
                AccessTokenIssuer.ROLES, SecurityConfiguration::knownRole)));
    return decoder;
  }

  private static boolean knownRole(List<String> roles) {
    if (roles == null || roles.size() != 1) {
      return false;
    }
    for (Role r : Role.values()) {
      if (r.name().equals(roles.get(0))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The chain Spring Security's {@code WebFilterChainProxy} runs for every request (behind its
   * firewall): CORS when origins are configured, then {@link AccessFilter}.
   */
  @Bean
  SecurityWebFilterChain securityWebFilterChain(
      VerifiedTokenCache decoder,
      ProblemWriter problems,
      RateLimiter limiter,
      SecurityProperties props) {
    JwtReactiveAuthenticationManager tokens = new JwtReactiveAuthenticationManager(decoder);
    tokens.setJwtAuthenticationConverter(
        jwt -> Mono.just(AccessFilter.authentication(jwt, CurrentUser.of(jwt))));
    List<WebFilter> filters = new ArrayList<>();
    if (!props.cors().allowedOrigins().isEmpty()) {
      filters.add(new CorsWebFilter(cors(props.cors())));
    }
    filters.add(
        new AccessFilter(decoder, tokens, new RateLimitGate(limiter, props, problems), problems));
    return new MatcherSecurityWebFilterChain(ServerWebExchangeMatchers.anyExchange(), filters);
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
