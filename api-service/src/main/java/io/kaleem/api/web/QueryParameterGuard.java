package io.kaleem.api.web;

import io.kaleem.api.errors.ApiException;
import io.kaleem.api.errors.ProblemWriter;
import io.kaleem.api.errors.Problems;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses query parameter names that could smuggle operators into a query ({@code $ne}, {@code
 * price[$gt]}, {@code a.b}): no route takes such a name, so they are a 400 before any code reads
 * them.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
class QueryParameterGuard implements WebFilter {

  private final ProblemWriter problems;

  QueryParameterGuard(ProblemWriter problems) {
    this.problems = problems;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    for (String name : exchange.getRequest().getQueryParams().keySet()) {
      if (!allowed(name)) {
        return problems.write(
            exchange,
            Problems.of(
                ApiException.invalidField(
                    name.length() > 64 ? name.substring(0, 64) : name,
                    "is not a valid query parameter name")));
      }
    }
    return chain.filter(exchange);
  }

  static boolean allowed(String name) {
    if (name.isEmpty() || name.length() > 64) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '$' || c == '[' || c == ']' || c == '.' || c == '\0' || Character.isISOControl(c)) {
        return false;
      }
    }
    return true;
  }
}
