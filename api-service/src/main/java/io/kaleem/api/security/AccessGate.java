package io.kaleem.api.security;

import io.kaleem.api.errors.ApiException;
import io.kaleem.api.errors.ProblemType;
import io.kaleem.api.errors.ProblemWriter;
import io.kaleem.api.errors.Problems;
import io.kaleem.api.observability.RequestContext;
import io.kaleem.api.ratelimit.RateLimitGate;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Who is calling and whether they may, the last step of {@link SecurityFilter}: the bearer token
 * ({@link BearerToken}, then Spring Security's JWT authentication manager), the request budget,
 * then the {@link AccessPolicy}. It uses Spring Security's components and gives their answers; why
 * it takes the place of Spring Security's filter chain is in docs/SECURITY.md, "Cost".
 *
 * <p>A token this replica has verified before is taken from the {@link VerifiedTokenCache} without
 * a reactive pipeline; any other token goes through the authentication manager (signature,
 * validators, errors as Spring Security maps them). The caller is recorded as attributes of the
 * exchange, which the Reactor context already carries ({@link CurrentUser}): no {@code
 * contextWrite} of its own, which with automatic context propagation would restore every thread
 * local at every signal that passes it.
 */
final class AccessGate {

  private final VerifiedTokenCache verified;
  private final ReactiveAuthenticationManager tokens;
  private final RateLimitGate rateLimits;
  private final ProblemWriter problems;

  AccessGate(
      VerifiedTokenCache verified,
      ReactiveAuthenticationManager tokens,
      RateLimitGate rateLimits,
      ProblemWriter problems) {
    this.verified = verified;
    this.tokens = tokens;
    this.rateLimits = rateLimits;
    this.problems = problems;
  }

  /** The authentication of a verified token: its one role as the authority, its subject as name. */
  static JwtAuthenticationToken authentication(Jwt jwt, AuthenticatedUser user) {
    return new JwtAuthenticationToken(
        jwt, List.of(new SimpleGrantedAuthority(user.role().authority())), user.userId());
  }

  /** The outcome of verifying a bearer token: a caller or a refusal. */
  private record Caller(JwtAuthenticationToken token, AuthenticationException refused) {}

  /** Authenticates, charges and authorizes the request; {@code chain} runs when all three pass. */
  Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    String bearer;
    try {
      bearer = BearerToken.from(exchange.getRequest().getHeaders());
    } catch (AuthenticationException malformed) {
      return unauthorized(exchange, true);
    }
    if (bearer == null) {
      return rateLimits.admit(exchange, null, () -> authorize(exchange, chain, null));
    }
    Jwt known = verified.verified(bearer);
    if (known != null) {
      return admit(exchange, chain, CurrentUser.of(known));
    }
    return tokens
        .authenticate(new BearerTokenAuthenticationToken(bearer))
        .map(a -> new Caller((JwtAuthenticationToken) a, null))
        // A failing key store or decoder is a 500, not the caller's fault (as in Spring Security).
        .onErrorResume(
            e ->
                e instanceof AuthenticationException
                    && !(e instanceof AuthenticationServiceException),
            e -> Mono.just(new Caller(null, (AuthenticationException) e)))
        .flatMap(
            caller -> {
              if (caller.refused() != null) {
                return unauthorized(exchange, true);
              }
              return admit(exchange, chain, CurrentUser.of(caller.token().getToken()));
            });
  }

  /**
   * An authenticated request: the caller recorded in the exchange (for services, through {@link
   * CurrentUser}, and for the logs), then charged to its user's budget.
   */
  private Mono<Void> admit(
      ServerWebExchange exchange, WebFilterChain chain, AuthenticatedUser user) {
    exchange.getAttributes().put(RequestContext.CALLER, user);
    return rateLimits.admit(exchange, user, () -> authorize(exchange, chain, user));
  }

  private Mono<Void> authorize(
      ServerWebExchange exchange, WebFilterChain chain, AuthenticatedUser user) {
    var request = exchange.getRequest();
    List<String> segments = AccessPolicy.segments(request.getPath().pathWithinApplication());
    return switch (AccessPolicy.decide(user, request.getMethod(), segments)) {
      case PUBLIC, ALLOW -> chain.filter(exchange);
      // Already charged to the client IP's budget on the way in.
      case UNAUTHENTICATED -> unauthorized(exchange, false);
      case FORBIDDEN ->
          problems.write(exchange, ProblemType.FORBIDDEN, "Your role does not allow this request");
      case HIDDEN ->
          problems.write(exchange, Problems.of(ApiException.notFound("merchant", segments.get(3))));
    };
  }

  /**
   * 401 with the RFC 6750 challenge. A refused token never reached the rate limiter, so it is
   * charged ({@code charge}) to the client IP: guessing tokens is throttled like any anonymous
   * traffic.
   */
  private Mono<Void> unauthorized(ServerWebExchange exchange, boolean charge) {
    boolean presented =
        exchange.getRequest().getHeaders().containsHeader(HttpHeaders.AUTHORIZATION);
    exchange
        .getResponse()
        .getHeaders()
        .set(HttpHeaders.WWW_AUTHENTICATE, presented ? "Bearer error=\"invalid_token\"" : "Bearer");
    Mono<Void> answer =
        problems.write(
            exchange,
            ProblemType.UNAUTHORIZED,
            "A valid bearer access token is required for this resource");
    if (!charge) {
      return answer;
    }
    return rateLimits
        .chargeRefusedCredentials(exchange)
        .flatMap(allowed -> allowed ? answer : Mono.empty());
  }
}
