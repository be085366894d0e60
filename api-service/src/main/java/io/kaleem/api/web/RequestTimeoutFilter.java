package io.kaleem.api.web;

import io.kaleem.api.errors.ProblemType;
import io.kaleem.api.errors.ProblemWriter;
import io.kaleem.api.security.SecurityProperties;
import java.time.Duration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Bounds the time a request may hold the server ({@code kaleem.security.request-timeout}): past it
 * the work is cancelled and the client gets a 503 problem, unless the response has started.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class RequestTimeoutFilter implements WebFilter {

  private final ProblemWriter problems;
  private final Duration timeout;

  RequestTimeoutFilter(ProblemWriter problems, SecurityProperties props) {
    this.problems = problems;
    this.timeout = props.requestTimeout();
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    if ("websocket"
        .equalsIgnoreCase(exchange.getRequest().getHeaders().getFirst(HttpHeaders.UPGRADE))) {
      // A WebSocket session lives as long as its client; the gateway bounds it with its own
      // idle and auth timeouts (docs/REALTIME.md).
      return chain.filter(exchange);
    }
    return chain
        .filter(exchange)
        .timeout(
            timeout,
            Mono.defer(
                () ->
                    exchange.getResponse().isCommitted()
                        ? Mono.empty()
                        : problems.write(
                            exchange,
                            ProblemType.SERVICE_UNAVAILABLE,
                            "The request took longer than "
                                + timeout.toMillis()
                                + " ms and was abandoned")));
  }
}
