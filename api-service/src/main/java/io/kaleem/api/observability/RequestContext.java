package io.kaleem.api.observability;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ThreadLocalAccessor;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import org.slf4j.MDC;
import org.springframework.web.filter.reactive.ServerWebExchangeContextFilter;
import org.springframework.web.server.ServerWebExchange;
import reactor.util.context.Context;

/**
 * The per-request values logs carry, and how they reach every log line. The request's exchange is
 * the one Reactor context entry ({@link #withExchange}, under Spring's {@link
 * ServerWebExchangeContextFilter} key); its attributes hold the request id and, once the request is
 * authenticated, the {@link Caller}. With {@code spring.reactor.context-propagation=auto} one
 * accessor turns them into MDC fields at every thread hop, whatever thread the work runs on.
 *
 * <p>One entry written once, at the first filter: with automatic propagation every {@code
 * contextWrite} in a request restores every registered thread local at every signal that passes it,
 * so values learned later in the request (the caller) go into the exchange's attributes, not into
 * another {@code contextWrite}.
 */
public final class RequestContext {

  public static final String REQUEST_ID = "requestId";
  public static final String USER_ID = "userId";
  public static final String MERCHANT_ID = "merchantId";

  /**
   * MDC fields of the request's trace, named as the OpenTelemetry agent's logback MDC names them.
   */
  public static final String TRACE_ID = "trace_id";

  public static final String SPAN_ID = "span_id";
  public static final String TRACE_FLAGS = "trace_flags";

  /**
   * Exchange attribute holding the span context current when the request arrived (the agent's
   * server span), so every log line of the request names its trace on whatever thread it is
   * written, without the agent having to follow each Reactor operator (docs/OBSERVABILITY.md).
   */
  public static final String TRACE = "kaleem.trace";

  /** Exchange attribute holding the request's {@link Caller}. */
  public static final String CALLER = "kaleem.caller";

  /** Who made the request, as logs name them: the security layer's authenticated user. */
  public interface Caller {

    /** The caller's user id. */
    String userId();

    /** The caller's merchant, or null. */
    String merchantId();
  }

  private RequestContext() {}

  /** {@code context} with the request's exchange, where {@link #toMdc} and services find it. */
  public static Context withExchange(Context context, ServerWebExchange exchange) {
    return context.put(ServerWebExchangeContextFilter.EXCHANGE_CONTEXT_ATTRIBUTE, exchange);
  }

  /** The request id and caller of {@code exchange} as MDC fields; absent ones are removed. */
  public static void toMdc(ServerWebExchange exchange) {
    put(REQUEST_ID, exchange.getAttribute(REQUEST_ID));
    Caller caller = exchange.getAttribute(CALLER);
    put(USER_ID, caller == null ? null : caller.userId());
    // Removed when absent: a merchant id an earlier caller left on the thread must not stay.
    put(MERCHANT_ID, caller == null ? null : caller.merchantId());
    SpanContext trace = exchange.getAttribute(TRACE);
    put(TRACE_ID, trace == null ? null : trace.getTraceId());
    put(SPAN_ID, trace == null ? null : trace.getSpanId());
    put(TRACE_FLAGS, trace == null ? null : trace.getTraceFlags().asHex());
  }

  /** Keeps the current span's context on the exchange when there is one (the agent runs). */
  public static void captureTrace(ServerWebExchange exchange) {
    SpanContext trace = Span.current().getSpanContext();
    if (trace.isValid()) {
      exchange.getAttributes().put(TRACE, trace);
    }
  }

  private static void put(String field, String value) {
    if (value == null) {
      MDC.remove(field);
    } else {
      MDC.put(field, value);
    }
  }

  /** Removes the request's MDC fields. */
  public static void clearMdc() {
    MDC.remove(REQUEST_ID);
    MDC.remove(USER_ID);
    MDC.remove(MERCHANT_ID);
    MDC.remove(TRACE_ID);
    MDC.remove(SPAN_ID);
    MDC.remove(TRACE_FLAGS);
  }

  /** Registers the MDC accessor once per JVM. */
  public static synchronized void registerMdcAccessors() {
    ContextRegistry registry = ContextRegistry.getInstance();
    if (registry.getThreadLocalAccessors().stream()
        .noneMatch(
            a -> ServerWebExchangeContextFilter.EXCHANGE_CONTEXT_ATTRIBUTE.equals(a.key()))) {
      registry.registerThreadLocalAccessor(new RequestMdcAccessor());
    }
  }

  /** Sets the MDC fields from the exchange in the context at each hop, and removes them after. */
  private static final class RequestMdcAccessor implements ThreadLocalAccessor<ServerWebExchange> {
    private static final ThreadLocal<ServerWebExchange> CURRENT = new ThreadLocal<>();

    @Override
    public Object key() {
      return ServerWebExchangeContextFilter.EXCHANGE_CONTEXT_ATTRIBUTE;
    }

    @Override
    public ServerWebExchange getValue() {
      return CURRENT.get();
    }

    @Override
    public void setValue(ServerWebExchange exchange) {
      CURRENT.set(exchange);
      toMdc(exchange);
    }

    @Override
    public void setValue() {
      CURRENT.remove();
      clearMdc();
    }
  }
}
