package io.kaleem.api.web;

import io.kaleem.api.errors.ProblemType;
import io.kaleem.api.errors.ProblemWriter;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses a body whose declared length is over the limit before reading a byte of it. Bodies
 * without a length are bounded by the codecs' {@code max-in-memory-size}, which ends as the same
 * 413 problem.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class RequestBodyLimitFilter implements WebFilter {

  static final DataSize LIMIT = DataSize.ofMegabytes(1);

  private final ProblemWriter problems;

  RequestBodyLimitFilter(ProblemWriter problems) {
    this.problems = problems;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    long length = exchange.getRequest().getHeaders().getContentLength();
    if (length > LIMIT.toBytes()) {
      return problems.write(
          exchange, ProblemType.PAYLOAD_TOO_LARGE, "The request body exceeds 1 MiB");
    }
    return chain.filter(exchange);
  }
}
