package io.kaleem.api.errors;

import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Writes a problem document from a {@code WebFilter}, where no controller advice runs (body limits,
 * and later authentication and rate limiting), with the same shape and encoder as the advice.
 */
@Component
public class ProblemWriter {

  private final ServerCodecConfigurer codecs;

  public ProblemWriter(ServerCodecConfigurer codecs) {
    this.codecs = codecs;
  }

  public Mono<Void> write(ServerWebExchange exchange, ProblemType type, String detail) {
    return write(exchange, Problems.of(type, detail));
  }

  public Mono<Void> write(ServerWebExchange exchange, ProblemDetail problem) {
    problem.setInstance(java.net.URI.create(exchange.getRequest().getPath().value()));
    Problems.answered(exchange, problem);
    var response = exchange.getResponse();
    response.setStatusCode(org.springframework.http.HttpStatusCode.valueOf(problem.getStatus()));
    response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    var encoder =
        codecs.getWriters().stream()
            .filter(
                w ->
                    w.canWrite(
                        org.springframework.core.ResolvableType.forClass(ProblemDetail.class),
                        MediaType.APPLICATION_PROBLEM_JSON))
            .findFirst()
            .orElseThrow();
    @SuppressWarnings("unchecked")
    var writer = (org.springframework.http.codec.HttpMessageWriter<ProblemDetail>) encoder;
    return writer.write(
        Mono.just(problem),
        org.springframework.core.ResolvableType.forClass(ProblemDetail.class),
        MediaType.APPLICATION_PROBLEM_JSON,
        response,
        java.util.Map.of());
  }
}
