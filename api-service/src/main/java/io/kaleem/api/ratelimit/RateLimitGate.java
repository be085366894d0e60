package io.kaleem.api.ratelimit;

import io.kaleem.api.errors.ProblemType;
import io.kaleem.api.errors.ProblemWriter;
import io.kaleem.api.security.AuthenticatedUser;
import io.kaleem.api.security.Role;
import io.kaleem.api.security.SecurityProperties;
import java.net.InetSocketAddress;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Applies the request budget after authentication: per user at their plan's rate, else per client
 * IP; {@code /api/v1/auth/**} per IP at the stricter auth rate. Every response carries {@code
 * RateLimit-Policy} and {@code RateLimit} (IETF httpapi ratelimit-headers draft); over the budget
 * is a 429 problem with {@code Retry-After}. Called by the security filter for every request it has
 * authenticated (or found anonymous).
 */
public class RateLimitGate {

  private final RateLimiter limiter;
  private final SecurityProperties.RateLimit cfg;
  private final ProblemWriter problems;
  private final ToLongFunction<String> planBudget;

  /**
   * @param planBudget requests per window of the plan a token names, negative when there is no such
   *     plan (then the configured table applies)
   */
  public RateLimitGate(
      RateLimiter limiter,
      SecurityProperties props,
      ProblemWriter problems,
      ToLongFunction<String> planBudget) {
    this.planBudget = planBudget;
    this.limiter = limiter;
    this.cfg = props.rateLimit();
    this.problems = problems;
  }

  /** Which bucket a request draws from. */
  record Budget(String policy, String key, long limit) {}

  /**
   * Charges the request to its budget ({@code user} is null for anonymous requests), then
   * subscribes to {@code next}, or answers 429.
   */
  public Mono<Void> admit(
      ServerWebExchange exchange, AuthenticatedUser user, Supplier<Mono<Void>> next) {
    String path = exchange.getRequest().getPath().pathWithinApplication().value();
    if (!cfg.enabled() || path.startsWith("/api/health")) {
      return next.get();
    }
    Budget budget = budget(exchange, path, user);
    RateLimiter.Result now = limiter.consumeNow(budget.key(), budget.limit());
    if (now != null) {
      return decided(exchange, budget, now, next);
    }
    return limiter
        .consumeShared(budget.key(), budget.limit())
        .flatMap(r -> decided(exchange, budget, r, next));
  }

  private Mono<Void> decided(
      ServerWebExchange exchange, Budget budget, RateLimiter.Result r, Supplier<Mono<Void>> next) {
    writeHeaders(exchange, budget, r);
    return r.allowed() ? next.get() : tooMany(exchange, r);
  }

  /**
   * Charges a request whose bearer token was refused to its client IP's anonymous budget (such
   * requests never reach this filter), so guessing tokens is throttled like any anonymous traffic.
   * Emits true when the caller may get its 401, false when a 429 was written instead.
   */
  public Mono<Boolean> chargeRefusedCredentials(ServerWebExchange exchange) {
    if (!cfg.enabled()) {
      return Mono.just(true);
    }
    Budget budget = new Budget("anonymous", "ip:" + clientIp(exchange), cfg.anonymous());
    return limiter
        .consume(budget.key(), budget.limit())
        .flatMap(
            r -> {
              writeHeaders(exchange, budget, r);
              if (r.allowed()) {
                return Mono.just(true);
              }
              return tooMany(exchange, r).thenReturn(false);
            });
  }

  private void writeHeaders(ServerWebExchange exchange, Budget budget, RateLimiter.Result r) {
    HttpHeaders h = exchange.getResponse().getHeaders();
    // Concatenation, not String.format: this runs on every request.
    h.set(
        "RateLimit-Policy",
        '"' + budget.policy() + "\";q=" + budget.limit() + ";w=" + cfg.window().toSeconds());
    h.set("RateLimit", '"' + budget.policy() + "\";r=" + r.remaining() + ";t=" + r.resetSeconds());
  }

  private Mono<Void> tooMany(ServerWebExchange exchange, RateLimiter.Result r) {
    exchange
        .getResponse()
        .getHeaders()
        .set(HttpHeaders.RETRY_AFTER, Long.toString(r.retryAfterSeconds()));
    return problems.write(
        exchange,
        ProblemType.RATE_LIMITED,
        "Request budget exhausted; retry after " + r.retryAfterSeconds() + " s");
  }

  Budget budget(ServerWebExchange exchange, String path, AuthenticatedUser user) {
    if (path.startsWith("/api/v1/auth/")) {
      return new Budget("auth", "auth:ip:" + clientIp(exchange), cfg.auth());
    }
    if (user == null) {
      return new Budget("anonymous", "ip:" + clientIp(exchange), cfg.anonymous());
    }
    String plan = user.is(Role.PLATFORM_ADMIN) ? "platform" : user.plan();
    long fromPlan =
        user.is(Role.PLATFORM_ADMIN) || plan == null ? -1 : planBudget.applyAsLong(plan);
    if (fromPlan >= 0) {
      return new Budget(plan, "user:" + user.userId(), fromPlan);
    }
    if (plan == null || !cfg.plans().containsKey(plan)) {
      plan = cfg.defaultPlan();
    }
    return new Budget(plan, "user:" + user.userId(), cfg.forPlan(plan));
  }

  /**
   * The client address as the server sees it; behind an ingress, {@code
   * server.forward-headers-strategy=framework} makes it the forwarded client address.
   */
  public static String clientIp(ServerWebExchange exchange) {
    InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
    if (remote == null || remote.getAddress() == null) {
      return "unknown";
    }
    return remote.getAddress().getHostAddress();
  }
}
