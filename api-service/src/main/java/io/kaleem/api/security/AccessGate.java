package io.kaleem.api.security;

import io.kaleem.api.errors.ApiException;
import io.kaleem.api.errors.ProblemType;
import io.kaleem.api.errors.ProblemWriter;
import io.kaleem.api.errors.Problems;
import io.kaleem.api.observability.RequestContext;
import io.kaleem.api.ratelimit.RateLimiter;
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
 * Who is calling and whether they may, the last step of {@link SecurityFilter}, in this order: the
 * route ({@link Route}, classified once), the bearer token ({@link BearerToken}, then Spring
 * Security's JWT authentication manager), the {@link RequestBudget}, then the {@link AccessPolicy}.
 * It uses Spring Security's components and gives their answers; why it takes the place of Spring
 * Security's filter chain is in docs/SECURITY.md, "Cost".
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
  private final RequestBudget budgets;
  private final ProblemWriter problems;

  AccessGate(
      VerifiedTokenCache verified,
      ReactiveAuthenticationManager tokens,
      RequestBudget budgets,
      ProblemWriter problems) {
    this.verified = verified;
    this.tokens = tokens;
    this.budgets = budgets;
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
    Route route = Route.of(exchange.getRequest().getPath().pathWithinApplication());
    String bearer;
    try {
      bearer = BearerToken.from(exchange.getRequest().getHeaders());
    } catch (AuthenticationException malformed) {
      return unauthorized(exchange, true);
    }
    if (bearer == null) {
      return charged(exchange, chain, route, null);
    }
    Jwt known = verified.verified(bearer);
    if (known != null) {
      return admit(exchange, chain, route, CurrentUser.of(known));
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
              return admit(exchange, chain, route, CurrentUser.of(caller.token().getToken()));
            });
  }

  /**
   * An authenticated request: the caller recorded in the exchange (for services, through {@link
   * CurrentUser}, and for the logs), then charged to its user's budget.
   */
  private Mono<Void> admit(
      ServerWebExchange exchange, WebFilterChain chain, Route route, AuthenticatedUser user) {
    exchange.getAttributes().put(RequestContext.CALLER, user);
    return charged(exchange, chain, route, user);
  }

  /**
   * The request budget, then the access policy. Most requests of a busy caller are answered from
   * this replica's lease without a reactive step; the rest wait for the shared bucket.
   */
  private Mono<Void> charged(
      ServerWebExchange exchange, WebFilterChain chain, Route route, AuthenticatedUser user) {
    RequestBudget.Budget budget = budgets.of(exchange, route, user);
    if (budget == null) {
      return authorize(exchange, chain, route, user);
    }
    RateLimiter.Result now = budgets.chargeNow(budget);
    if (now != null) {
      return budgets.admitted(exchange, budget, now)
          ? authorize(exchange, chain, route, user)
          : budgets.refuse(exchange, now);
    }
    return budgets
        .charge(budget)
        .flatMap(
            r ->
                budgets.admitted(exchange, budget, r)
                    ? authorize(exchange, chain, route, user)
                    : budgets.refuse(exchange, r));
  }

  private Mono<Void> authorize(
      ServerWebExchange exchange, WebFilterChain chain, Route route, AuthenticatedUser user) {
    return switch (AccessPolicy.decide(user, exchange.getRequest().getMethod(), route)) {
      case PUBLIC, ALLOW -> chain.filter(exchange);
      // Already charged to the client IP's budget on the way in.
      case UNAUTHENTICATED -> unauthorized(exchange, false);
      case FORBIDDEN ->
          problems.write(exchange, ProblemType.FORBIDDEN, "Your role does not allow this request");
      case HIDDEN ->
          problems.write(
              exchange, Problems.of(ApiException.notFound("merchant", route.segments().get(3))));
    };
  }

  /**
   * 401 with the RFC 6750 challenge. A refused token never reached the request budget, so it is
   * charged ({@code charge}) to the client IP's anonymous budget: guessing tokens is throttled like
   * any anonymous traffic.
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
    RequestBudget.Budget budget = charge ? budgets.anonymous(exchange) : null;
    if (budget == null) {
      return answer;
    }
    return budgets
        .charge(budget)
        .flatMap(r -> budgets.admitted(exchange, budget, r) ? answer : budgets.refuse(exchange, r));
  }
}
