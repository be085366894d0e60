package io.kaleem.api.observability.metrics;

import io.kaleem.api.errors.Problems;
import io.kaleem.api.observability.errors.ErrorLog;
import io.kaleem.crds.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * The seed's HTTP metrics, once per request, after everything else has answered (it runs right
 * after the request-id filter, so refusals by security, rate limits and body limits are counted):
 * {@code http_request_duration_seconds} and {@code http_requests_total} by method, route and
 * status, and {@code http_errors_total} with the problem type's slug for every answer of 400 or
 * more. Every label comes from a bounded set: methods outside the standard ones are {@code OTHER},
 * routes are templates ({@link RouteTemplates}), the error type is a {@code ProblemType} slug. A
 * client that goes away before the answer is counted once with status 499 (nginx's "client closed
 * request"), as a request but not as an error: nothing was answered.
 *
 * <p>Exemplars: the trace context current when the request entered the filter (the agent's server
 * span) is made current again while the meters record, whatever thread ends the request, so the
 * registry's exemplar sampler ({@code MetricsConfiguration#exemplarSpanContext}) links the bucket
 * to that trace. Without a trace (no agent) the context is the root one and nothing is switched.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
@ConditionalOnProperty(name = "kaleem.metrics.enabled", matchIfMissing = true)
public class HttpMetricsFilter implements WebFilter {

  /** Status recorded for a request whose client disconnected before the answer. */
  static final int CLIENT_CLOSED = 499;

  /** Bucket bounds for an API whose target is 100 ms: fine below it, coarse up to the timeout. */
  static final Duration[] BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(75),
    Duration.ofMillis(100),
    Duration.ofMillis(150),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofMillis(1000),
    Duration.ofMillis(2500),
    Duration.ofMillis(5000),
    Duration.ofMillis(10000)
  };

  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE");

  private final MeterRegistry registry;
  private final RouteTemplates routes;
  private final ErrorLog errors;

  /** Meters per label set; bounded because every label is (see the class comment). */
  private final ConcurrentMap<Key, Meters> meters = new ConcurrentHashMap<>();

  public HttpMetricsFilter(MeterRegistry registry, RouteTemplates routes, ErrorLog errors) {
    this.registry = registry;
    this.routes = routes;
    this.errors = errors;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    long start = System.nanoTime();
    Context trace = Context.current();
    return chain
        .filter(exchange)
        .doFinally(
            signal -> {
              if (trace == Context.root()) {
                record(exchange, signal, start);
                return;
              }
              Scope scope = trace.makeCurrent();
              try {
                record(exchange, signal, start);
              } finally {
                scope.close();
              }
            });
  }

  private void record(ServerWebExchange exchange, SignalType signal, long start) {
    long nanos = System.nanoTime() - start;
    HttpStatusCode code = exchange.getResponse().getStatusCode();
    int status;
    if (signal == SignalType.CANCEL && !exchange.getResponse().isCommitted()) {
      status = CLIENT_CLOSED;
    } else {
      status = code == null ? 200 : code.value();
    }
    String method = method(exchange.getRequest().getMethod().name());
    String route = routes.of(exchange);
    ProblemDetail problem = exchange.getAttribute(Problems.ATTRIBUTE);
    String errorType =
        status >= 400 && status != CLIENT_CLOSED ? Problems.slug(problem, status) : null;
    Meters m = meters.computeIfAbsent(new Key(method, route, status, errorType), this::register);
    m.duration.record(nanos, TimeUnit.NANOSECONDS);
    m.requests.increment();
    if (m.errors != null) {
      m.errors.increment();
      errors.record(exchange, method, route, status, errorType, problem);
    }
  }

  static String method(String name) {
    return METHODS.contains(name) ? name : MetricNames.METHOD_OTHER;
  }

  /**
   * Micrometer's Prometheus naming turns these dotted names into the seed's ({@link
   * MetricNames#HTTP_REQUEST_DURATION}, {@link MetricNames#HTTP_REQUESTS}, {@link
   * MetricNames#HTTP_ERRORS}); the contract test checks the scrape for the constants.
   */
  private Meters register(Key k) {
    String status = Integer.toString(k.status);
    Timer duration =
        Timer.builder("http.request.duration")
            .description("Time from the request's arrival to the end of its answer")
            .tag(MetricNames.LABEL_METHOD, k.method)
            .tag(MetricNames.LABEL_ROUTE, k.route)
            .tag(MetricNames.LABEL_STATUS_CODE, status)
            .serviceLevelObjectives(BUCKETS)
            .register(registry);
    Counter requests =
        Counter.builder("http.requests")
            .description("Requests answered (or abandoned by the client: status 499)")
            .tag(MetricNames.LABEL_METHOD, k.method)
            .tag(MetricNames.LABEL_ROUTE, k.route)
            .tag(MetricNames.LABEL_STATUS_CODE, status)
            .register(registry);
    Counter errorCount =
        k.errorType == null
            ? null
            : Counter.builder("http.errors")
                .description("Requests answered with a problem (status >= 400), by problem type")
                .tag(MetricNames.LABEL_METHOD, k.method)
                .tag(MetricNames.LABEL_ROUTE, k.route)
                .tag(MetricNames.LABEL_STATUS_CODE, status)
                .tag(MetricNames.LABEL_ERROR_TYPE, k.errorType)
                .register(registry);
    return new Meters(duration, requests, errorCount);
  }

  private record Key(String method, String route, int status, String errorType) {}

  private record Meters(Timer duration, Counter requests, Counter errors) {}
}
