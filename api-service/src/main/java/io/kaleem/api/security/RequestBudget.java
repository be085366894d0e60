package io.kaleem.api.security;

import io.kaleem.api.errors.ProblemType;
import io.kaleem.api.errors.ProblemWriter;
import io.kaleem.api.ratelimit.RateLimiter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The request budget step of the {@link AccessGate}: which bucket a request draws from, and what
 * the answer says about it. Authenticated callers draw per user at their plan's rate ({@link
 * RequestBudgets}; platform admins on the {@code platform} plan), anonymous callers per client IP,
 * {@code /api/v1/auth/**} per IP at the stricter auth rate; health probes draw from none. Every
 * charged response carries {@code RateLimit-Policy} and {@code RateLimit} (IETF httpapi
 * ratelimit-headers draft); over the budget is a 429 problem with {@code Retry-After}. The buckets
 * themselves are the {@link RateLimiter}'s, which knows nothing of requests.
 */
final class RequestBudget {

  /** Which bucket a request draws from. */
  record Budget(String policy, String key, long limit) {}

  private final RateLimiter limiter;
  private final RequestBudgets plans;
  private final SecurityProperties.RateLimit cfg;
  private final ProblemWriter problems;

  RequestBudget(
      RateLimiter limiter,
      RequestBudgets plans,
      SecurityProperties.RateLimit cfg,
      ProblemWriter problems) {
    this.limiter = limiter;
    this.plans = plans;
    this.cfg = cfg;
    this.problems = problems;
  }

  /** The budget a request is charged to ({@code user} null: anonymous); null when none. */
  Budget of(ServerWebExchange exchange, Route route, AuthenticatedUser user) {
    if (!cfg.enabled() || route.kind() == Route.Kind.HEALTH) {
      return null;
    }
    if (route.kind() == Route.Kind.AUTH) {
      return new Budget("auth", "auth:ip:" + ClientAddress.of(exchange), cfg.auth());
    }
    if (user == null) {
      return anonymous(exchange);
    }
    RequestBudgets.PlanBudget plan =
        plans.forPlan(user.is(Role.PLATFORM_ADMIN) ? "platform" : user.plan());
    return new Budget(plan.policy(), "user:" + user.userId(), plan.perWindow());
  }

  /**
   * The client IP's anonymous budget, which a request whose bearer token was refused is charged to,
   * so guessing tokens is throttled like any anonymous traffic; null when budgets are off.
   */
  Budget anonymous(ServerWebExchange exchange) {
    if (!cfg.enabled()) {
      return null;
    }
    return new Budget("anonymous", "ip:" + ClientAddress.of(exchange), cfg.anonymous());
  }

  /** A token from the budget when this replica can answer at once, else null ({@link #charge}). */
  RateLimiter.Result chargeNow(Budget budget) {
    return limiter.consumeNow(budget.key(), budget.limit());
  }

  /** A token from the budget, asking the shared bucket when this replica cannot answer. */
  Mono<RateLimiter.Result> charge(Budget budget) {
    return limiter.consume(budget.key(), budget.limit());
  }

  /** Writes the budget's headers; true when the request may go on, false for a {@link #refuse}. */
  boolean admitted(ServerWebExchange exchange, Budget budget, RateLimiter.Result r) {
    HttpHeaders h = exchange.getResponse().getHeaders();
    // Concatenation, not String.format: this runs on every request.
    h.set(
        "RateLimit-Policy",
        '"' + budget.policy() + "\";q=" + budget.limit() + ";w=" + cfg.window().toSeconds());
    h.set("RateLimit", '"' + budget.policy() + "\";r=" + r.remaining() + ";t=" + r.resetSeconds());
    return r.allowed();
  }

  /** The 429 answer for a request over its budget. */
  Mono<Void> refuse(ServerWebExchange exchange, RateLimiter.Result r) {
    exchange
        .getResponse()
        .getHeaders()
        .set(HttpHeaders.RETRY_AFTER, Long.toString(r.retryAfterSeconds()));
    return problems.write(
        exchange,
        ProblemType.RATE_LIMITED,
        "Request budget exhausted; retry after " + r.retryAfterSeconds() + " s");
  }
}
