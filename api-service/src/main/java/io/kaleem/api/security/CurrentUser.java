package io.kaleem.api.security;

import io.kaleem.api.observability.RequestContext;
import java.util.List;
import java.util.Map;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.reactive.ServerWebExchangeContextFilter;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The authenticated caller for services (ownership checks of orders and tickets): empty on public
 * routes without a token.
 *
 * <p>A request's caller is an attribute of its exchange ({@link RequestContext#CALLER}, set by
 * {@link AccessGate}), found through the exchange in the Reactor context ({@link
 * RequestContext#withExchange}); a second {@code contextWrite} per request for Spring Security's
 * context would restore every thread local at every signal. Work that serves no request (start-up
 * tasks, tests) names its caller with {@link ReactiveSecurityContextHolder} ({@link #asPlatform}).
 */
@Component
public class CurrentUser {

  public Mono<AuthenticatedUser> get() {
    return Mono.deferContextual(
        context -> {
          ServerWebExchange exchange =
              ServerWebExchangeContextFilter.getExchange(context).orElse(null);
          if (exchange != null) {
            return exchange.getAttribute(RequestContext.CALLER) instanceof AuthenticatedUser user
                ? Mono.just(user)
                : Mono.empty();
          }
          return ReactiveSecurityContextHolder.getContext()
              .mapNotNull(ctx -> ctx.getAuthentication())
              .filter(JwtAuthenticationToken.class::isInstance)
              .map(a -> of(((JwtAuthenticationToken) a).getToken()));
        });
  }

  /** The caller, or a 401 when the request carries no valid token. */
  public Mono<AuthenticatedUser> require() {
    return get()
        .switchIfEmpty(
            Mono.error(
                new io.kaleem.api.errors.ApiException(
                    io.kaleem.api.errors.ProblemType.UNAUTHORIZED, "Authentication required")));
  }

  /** The subject of in-process work done on the platform's behalf (demo data loading). */
  public static final String PLATFORM_SUBJECT = "000000000000000000000000";

  /**
   * A Reactor context in which {@link #get()} is a platform admin: for in-process callers of the
   * services that serve no request (start-up tasks). Never derived from client input.
   */
  public static reactor.util.context.Context asPlatform() {
    Jwt jwt =
        Jwt.withTokenValue("in-process")
            .header("alg", "none")
            .subject(PLATFORM_SUBJECT)
            .claim(AccessTokenIssuer.ROLES, java.util.List.of(Role.PLATFORM_ADMIN.name()))
            .build();
    return ReactiveSecurityContextHolder.withAuthentication(new JwtAuthenticationToken(jwt));
  }

  /** The 403 {@code forbidden} problem of an action the caller's role may not take here. */
  public static io.kaleem.api.errors.ApiException forbidden(String detail) {
    return new io.kaleem.api.errors.ApiException(
        io.kaleem.api.errors.ProblemType.FORBIDDEN, detail);
  }

  /**
   * Reads the claims the issuer wrote, from the claim map; the decoder already verified them and
   * their types ({@code SecurityConfiguration.verifyingDecoder}).
   */
  public static AuthenticatedUser of(Jwt jwt) {
    Map<String, Object> claims = jwt.getClaims();
    List<?> roles = (List<?>) claims.get(AccessTokenIssuer.ROLES);
    Role role = Role.valueOf(String.valueOf(roles.get(0)));
    return new AuthenticatedUser(
        text(claims.get(JwtClaimNames.SUB)),
        role,
        text(claims.get(AccessTokenIssuer.MERCHANT)),
        text(claims.get(AccessTokenIssuer.PLAN)));
  }

  private static String text(Object claim) {
    return claim == null ? null : claim.toString();
  }
}
