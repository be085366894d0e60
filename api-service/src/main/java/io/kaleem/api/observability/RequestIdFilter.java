package io.kaleem.api.observability;

import io.kaleem.api.security.SecurityHeaders;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * First filter of every request: accepts a well-formed {@code X-Request-Id} (at most 64 of {@code
 * [A-Za-z0-9._-]}) or makes one, returns it on the response, puts the exchange (and so the id and,
 * later, the caller) in the Reactor context for every log line's MDC ({@link RequestContext}), and
 * writes one access log line per request when it ends.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestIdFilter implements WebFilter {

  public static final String HEADER = "X-Request-Id";
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Logger access = LoggerFactory.getLogger("io.kaleem.api.access");

  public RequestIdFilter() {
    RequestContext.registerMdcAccessors();
  }

  /** The id to use for a request that sent {@code candidate}. */
  public static String accept(String candidate) {
    if (candidate != null && VALID.matcher(candidate).matches()) {
      return candidate;
    }
    return newId();
  }

  /**
   * A random (version 4 shaped) UUID from {@link ThreadLocalRandom}. A request id correlates log
   * lines and is sent back to the client, so it needs uniqueness, not secrecy: {@code
   * UUID.randomUUID()}'s SecureRandom is a JVM-wide lock and a read of /dev/urandom per few ids on
   * the event loop, for nothing here.
   */
  public static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long most = (random.nextLong() & ~0xF000L) | 0x4000L;
    long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(most, least).toString();
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    long start = System.nanoTime();
    var request = exchange.getRequest();
    String id = accept(request.getHeaders().getFirst(HEADER));
    exchange.getAttributes().put(RequestContext.REQUEST_ID, id);
    RequestContext.captureTrace(exchange);
    exchange.getResponse().getHeaders().set(HEADER, id);
    // First filter: every answer gets the security headers (HSTS included over TLS), refusals by
    // later filters included.
    SecurityHeaders.onCommit(exchange);
    return chain
        .filter(exchange)
        .doFinally(signal -> accessLog(exchange, start, signal))
        .contextWrite(ctx -> RequestContext.withExchange(ctx, exchange));
  }

  private static void accessLog(ServerWebExchange exchange, long start, SignalType signal) {
    HttpStatusCode status = exchange.getResponse().getStatusCode();
    Object pattern = exchange.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
    String route =
        pattern instanceof PathPattern p
            ? p.getPatternString()
            : pattern == null ? "" : "" + pattern;
    RequestContext.toMdc(exchange);
    try {
      access
          .atInfo()
          .addKeyValue("method", exchange.getRequest().getMethod().name())
          .addKeyValue("route", route)
          .addKeyValue("path", exchange.getRequest().getPath().value())
          .addKeyValue("status", status == null ? 200 : status.value())
          .addKeyValue("durationMs", (System.nanoTime() - start) / 1_000_000.0)
          .addKeyValue("outcome", signal == SignalType.CANCEL ? "cancelled" : "completed")
          .log("request");
    } finally {
      RequestContext.clearMdc();
    }
  }
}
