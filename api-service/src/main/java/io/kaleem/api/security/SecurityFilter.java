package io.kaleem.api.security;

import io.kaleem.api.errors.ProblemType;
import io.kaleem.api.errors.ProblemWriter;
import org.springframework.core.Ordered;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.web.cors.reactive.CorsWebFilter;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The security of every request, as one {@link WebFilter} in the place Spring Security's {@code
 * WebFilterChainProxy} would take: Spring's strict firewall ({@link RequestFirewall}), CORS when
 * origins are configured, then {@link AccessGate}.
 *
 * <p>A request whose token and budget this replica already knows passes through without a reactive
 * step; why this is not a {@code WebFilterChainProxy} is in docs/SECURITY.md, "Cost".
 */
final class SecurityFilter implements WebFilter, Ordered {

  /**
   * Spring Security's place: after the request id, timeout, query-parameter and body-size filters,
   * so a refusal is logged with its request id and still bounded by the request timeout.
   */
  static final int ORDER = -100;

  private final RequestFirewall firewall;
  private final CorsWebFilter cors;
  private final AccessGate access;
  private final ProblemWriter problems;

  /** {@code cors} is null when no origin is allowed. */
  SecurityFilter(
      RequestFirewall firewall, CorsWebFilter cors, AccessGate access, ProblemWriter problems) {
    this.firewall = firewall;
    this.cors = cors;
    this.access = access;
    this.problems = problems;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    // The security headers are registered by RequestIdFilter, the first filter (every answer).
    try {
      firewall.check(exchange);
    } catch (ServerExchangeRejectedException rejected) {
      // Spring's messages name the rule; a refused header is named without its value.
      return problems.write(exchange, ProblemType.MALFORMED_REQUEST, rejected.getMessage());
    }
    if (cors == null) {
      return access.filter(exchange, chain);
    }
    return cors.filter(exchange, corsChecked -> access.filter(corsChecked, chain));
  }

  @Override
  public int getOrder() {
    return ORDER;
  }

  /**
   * Spring's DefaultWebFilterChain names each filter's checkpoint with {@code toString()}, per
   * request; the inherited one formats the identity hash every time.
   */
  @Override
  public String toString() {
    return "SecurityFilter";
  }
}
