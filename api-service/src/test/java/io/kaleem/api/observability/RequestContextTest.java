package io.kaleem.api.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.context.ContextSnapshot.Scope;
import io.micrometer.context.ContextSnapshotFactory;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

/**
 * What Reactor's automatic context propagation does at each thread hop: the request id and caller
 * of the exchange in the context become MDC fields for the hop and are removed after it.
 */
class RequestContextTest {

  /** A caller as the security layer records one. */
  private record Caller(String userId, String merchantId) implements RequestContext.Caller {}

  private final ContextSnapshotFactory snapshots = ContextSnapshotFactory.builder().build();

  RequestContextTest() {
    RequestContext.registerMdcAccessors();
  }

  private static ServerWebExchange request(String id, Caller caller) {
    ServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/"));
    exchange.getAttributes().put(RequestContext.REQUEST_ID, id);
    if (caller != null) {
      exchange.getAttributes().put(RequestContext.CALLER, caller);
    }
    return exchange;
  }

  /** Runs {@code work} as a thread hop of {@code exchange}'s request would run. */
  private void hop(ServerWebExchange exchange, Runnable work) {
    Scope scope =
        snapshots.setThreadLocalsFrom(RequestContext.withExchange(Context.empty(), exchange));
    try {
      work.run();
    } finally {
      scope.close();
    }
  }

  @Test
  void theCallerBecomesTheUserAndMerchantFieldsOfEveryLogLine() {
    ServerWebExchange exchange =
        request("req-1", new Caller("65a000000000000000000001", "65b000000000000000000002"));
    hop(
        exchange,
        () -> {
          assertThat(MDC.get(RequestContext.REQUEST_ID)).isEqualTo("req-1");
          assertThat(MDC.get(RequestContext.USER_ID)).isEqualTo("65a000000000000000000001");
          assertThat(MDC.get(RequestContext.MERCHANT_ID)).isEqualTo("65b000000000000000000002");
        });
    assertThat(MDC.get(RequestContext.REQUEST_ID)).isNull();
    assertThat(MDC.get(RequestContext.USER_ID)).isNull();
    assertThat(MDC.get(RequestContext.MERCHANT_ID)).isNull();
  }

  /** The context is written before authentication; hops after it see the caller. */
  @Test
  void aCallerKnownLaterIsOnTheNextHop() {
    ServerWebExchange exchange = request("req-2", null);
    hop(
        exchange,
        () -> {
          assertThat(MDC.get(RequestContext.REQUEST_ID)).isEqualTo("req-2");
          assertThat(MDC.get(RequestContext.USER_ID)).isNull();
        });
    exchange.getAttributes().put(RequestContext.CALLER, new Caller("u-late", "m"));
    hop(exchange, () -> assertThat(MDC.get(RequestContext.USER_ID)).isEqualTo("u-late"));
  }

  /**
   * End to end through Reactor, as a request runs: the context is written before authentication,
   * the caller is recorded after it, and work on another thread logs with the caller.
   */
  @Test
  void workOnAnotherThreadAfterAuthenticationLogsTheCaller() {
    // As spring.reactor.context-propagation=auto does at start-up (global, never turned off).
    Hooks.enableAutomaticContextPropagation();
    ServerWebExchange exchange = request("req-3", null);
    String[] seen =
        Mono.fromRunnable(
                () ->
                    exchange
                        .getAttributes()
                        .put(RequestContext.CALLER, new Caller("u-hop", "m-hop")))
            .then(Mono.just(1))
            .publishOn(Schedulers.boundedElastic())
            .map(
                x ->
                    new String[] {
                      Thread.currentThread().getName(),
                      MDC.get(RequestContext.REQUEST_ID),
                      MDC.get(RequestContext.USER_ID),
                      MDC.get(RequestContext.MERCHANT_ID)
                    })
            .contextWrite(context -> RequestContext.withExchange(context, exchange))
            .block();
    assertThat(seen[0]).isNotEqualTo(Thread.currentThread().getName());
    assertThat(seen).containsExactly(seen[0], "req-3", "u-hop", "m-hop");
  }

  @Test
  void aCallerWithoutMerchantLeavesNoMerchantOfAnEarlierHop() {
    ServerWebExchange owner = request("req-o", new Caller("u-owner", "m-owner"));
    ServerWebExchange customer = request("req-c", new Caller("u-cust", null));
    hop(
        owner,
        () -> {
          hop(
              customer,
              () -> {
                assertThat(MDC.get(RequestContext.USER_ID)).isEqualTo("u-cust");
                assertThat(MDC.get(RequestContext.MERCHANT_ID)).isNull();
              });
          // The outer hop's request is back.
          assertThat(MDC.get(RequestContext.REQUEST_ID)).isEqualTo("req-o");
          assertThat(MDC.get(RequestContext.USER_ID)).isEqualTo("u-owner");
          assertThat(MDC.get(RequestContext.MERCHANT_ID)).isEqualTo("m-owner");
        });
    assertThat(MDC.get(RequestContext.USER_ID)).isNull();
  }

  @Test
  void theTraceCurrentWhenTheRequestArrivedNamesEveryLogLineOfItOnAnyThread() {
    ServerWebExchange traced = request("req-t", null);
    SpanContext span =
        SpanContext.create(
            "4bf92f3577b34da6a3ce929d0e0e4736",
            "00f067aa0ba902b7",
            TraceFlags.getSampled(),
            TraceState.getDefault());
    io.opentelemetry.context.Scope current = Span.wrap(span).makeCurrent();
    try {
      RequestContext.captureTrace(traced);
    } finally {
      current.close();
    }
    ServerWebExchange untraced = request("req-u", null);
    RequestContext.captureTrace(untraced); // no span: nothing kept

    // A hop on another thread, where no span is current.
    hop(
        traced,
        () -> {
          assertThat(MDC.get(RequestContext.TRACE_ID)).isEqualTo(span.getTraceId());
          assertThat(MDC.get(RequestContext.SPAN_ID)).isEqualTo(span.getSpanId());
          assertThat(MDC.get(RequestContext.TRACE_FLAGS)).isEqualTo("01");
        });
    assertThat(MDC.get(RequestContext.TRACE_ID)).isNull();
    hop(untraced, () -> assertThat(MDC.get(RequestContext.TRACE_ID)).isNull());
    assertThat(untraced.getAttributes()).doesNotContainKey(RequestContext.TRACE);
  }
}
