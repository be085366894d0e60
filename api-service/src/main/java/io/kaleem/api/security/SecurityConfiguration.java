package io.kaleem.api.security;

import io.kaleem.api.errors.ApiException;
import io.kaleem.api.errors.ProblemType;
import io.kaleem.api.errors.ProblemWriter;
import io.kaleem.api.errors.Problems;
import io.kaleem.api.ratelimit.RateLimitFilter;
import io.kaleem.api.ratelimit.RateLimiter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter;
import org.springframework.security.web.server.header.XFrameOptionsServerHttpHeadersWriter;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;
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

  @Bean
  PasswordEncoder passwordEncoder() {
    // {bcrypt} by default; stored hashes name their algorithm, so the default can move on.
    return PasswordEncoderFactories.createDelegatingPasswordEncoder();
  }

  /** Clock skew allowed on {@code exp} and {@code nbf}. */
  static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

  /** The verifying decoder behind a bounded cache of verified tokens. */
  @Bean
  ReactiveJwtDecoder jwtDecoder(JwtKeys keys, SecurityProperties props, Clock clock) {
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

  @Bean
  SecurityWebFilterChain securityWebFilterChain(
      ServerHttpSecurity http,
      ReactiveJwtDecoder decoder,
      AccessPolicy policy,
      ProblemWriter problems,
      RateLimiter limiter,
      SecurityProperties props) {
    RateLimitFilter rateLimits = new RateLimitFilter(limiter, props, problems);
    ServerAuthenticationEntryPoint unauthorized =
        (exchange, e) -> {
          exchange
              .getResponse()
              .getHeaders()
              .set(
                  HttpHeaders.WWW_AUTHENTICATE,
                  exchange.getRequest().getHeaders().containsHeader(HttpHeaders.AUTHORIZATION)
                      ? "Bearer error=\"invalid_token\""
                      : "Bearer");
          Mono<Void> answer =
              problems.write(
                  exchange,
                  ProblemType.UNAUTHORIZED,
                  "A valid bearer access token is required for this resource");
          if (!exchange.getRequest().getHeaders().containsHeader(HttpHeaders.AUTHORIZATION)) {
            return answer;
          }
          // A refused token never reached the rate limiter: charge it to the client IP.
          return rateLimits
              .chargeRefusedCredentials(exchange)
              .flatMap(allowed -> allowed ? answer : Mono.empty());
        };
    ServerAccessDeniedHandler denied =
        (exchange, e) -> {
          if (e instanceof HiddenMerchantException hidden) {
            return problems.write(
                exchange, Problems.of(ApiException.notFound("merchant", hidden.merchantId())));
          }
          return problems.write(
              exchange, ProblemType.FORBIDDEN, "Your role does not allow this request");
        };
    return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
        .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
        .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
        .logout(ServerHttpSecurity.LogoutSpec::disable)
        .anonymous(ServerHttpSecurity.AnonymousSpec::disable)
        .requestCache(c -> c.requestCache(NoOpServerRequestCache.getInstance()))
        .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
        .cors(c -> c.configurationSource(cors(props.cors())))
        .headers(
            h ->
                h.frameOptions(f -> f.mode(XFrameOptionsServerHttpHeadersWriter.Mode.DENY))
                    .contentSecurityPolicy(c -> c.policyDirectives("frame-ancestors 'none'"))
                    .referrerPolicy(
                        r ->
                            r.policy(
                                ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy.NO_REFERRER))
                    // Written by HstsFilter, which also trusts X-Forwarded-Proto from the ingress.
                    .hsts(ServerHttpSecurity.HeaderSpec.HstsSpec::disable))
        .authorizeExchange(a -> a.anyExchange().access(policy))
        .oauth2ResourceServer(
            o ->
                o.jwt(j -> j.jwtDecoder(decoder).jwtAuthenticationConverter(this::authentication))
                    .authenticationEntryPoint(unauthorized)
                    .accessDeniedHandler(denied))
        .exceptionHandling(
            e -> e.authenticationEntryPoint(unauthorized).accessDeniedHandler(denied))
        .addFilterAfter(rateLimits, SecurityWebFiltersOrder.AUTHENTICATION)
        .build();
  }

  private Mono<JwtAuthenticationToken> authentication(Jwt jwt) {
    var user = CurrentUser.of(jwt);
    return Mono.just(
        new JwtAuthenticationToken(
            jwt, List.of(new SimpleGrantedAuthority(user.role().authority())), user.userId()));
  }

  static CorsConfigurationSource cors(SecurityProperties.Cors cfg) {
    UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
    if (!cfg.allowedOrigins().isEmpty()) {
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
      source.registerCorsConfiguration("/**", c);
    }
    return source;
  }
}
