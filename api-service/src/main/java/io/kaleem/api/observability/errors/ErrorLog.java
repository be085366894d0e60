package io.kaleem.api.observability.errors;

import io.kaleem.api.observability.RequestContext;
import io.kaleem.api.observability.logging.SensitiveDataMasker;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * The API's recent problem answers, for {@code /monitoring/errors/*}: the last {@code capacity}
 * errors, and a summary per (problem type, route) since start. Memory is bounded on both sides: the
 * recent list drops its oldest entry, and the summary's keys are a problem type slug times a route
 * template (both finite sets, the same bound as the {@code http_errors_total} series). Messages are
 * the problem's {@code detail} after the log redaction ({@link SensitiveDataMasker}), so nothing a
 * client sent as a secret is kept.
 */
@Component
public class ErrorLog {

  /** One answered error. {@code traceId} is null without tracing. */
  public record Entry(
      Instant time,
      String type,
      int status,
      String method,
      String route,
      String requestId,
      String traceId,
      String message) {}

  /** Errors of one type on one route since start. */
  public record Group(
      String type, String route, int status, long count, Instant firstSeen, Instant lastSeen) {}

  private final int capacity;
  private final Clock clock;
  private final Deque<Entry> recent = new ArrayDeque<>();
  private final Map<String, Group> groups = new LinkedHashMap<>();

  public ErrorLog(@Value("${kaleem.monitoring.errors.capacity:200}") int capacity, Clock clock) {
    if (capacity < 1) {
      throw new IllegalArgumentException("kaleem.monitoring.errors.capacity must be at least 1");
    }
    this.capacity = capacity;
    this.clock = clock;
  }

  /** Records an answered error ({@code status >= 400}) of a finished exchange. */
  public void record(
      ServerWebExchange exchange,
      String method,
      String route,
      int status,
      String type,
      ProblemDetail problem) {
    String detail =
        problem != null && problem.getDetail() != null
            ? SensitiveDataMasker.maskText(problem.getDetail())
            : null;
    SpanContext span = Span.current().getSpanContext();
    Entry e =
        new Entry(
            clock.instant(),
            type,
            status,
            method,
            route,
            exchange.getAttribute(RequestContext.REQUEST_ID),
            span.isValid() ? span.getTraceId() : null,
            detail);
    String key = type + " " + route;
    // One lock for both structures: an entry and its group change together, and the work inside
    // is a few pointer moves (the masking above happens outside).
    synchronized (this) {
      if (recent.size() == capacity) {
        recent.removeFirst();
      }
      recent.addLast(e);
      groups.merge(
          key,
          new Group(type, route, status, 1, e.time(), e.time()),
          (old, one) ->
              new Group(
                  type, route, one.status(), old.count() + 1, old.firstSeen(), one.lastSeen()));
    }
  }

  /** The most recent errors, newest first, at most {@code limit}. */
  public synchronized List<Entry> recent(int limit) {
    List<Entry> out = new ArrayList<>(Math.min(limit, recent.size()));
    var it = recent.descendingIterator();
    while (it.hasNext() && out.size() < limit) {
      out.add(it.next());
    }
    return out;
  }

  /** Every (type, route) group, the most frequent first. */
  public List<Group> summary() {
    List<Group> out;
    synchronized (this) {
      out = new ArrayList<>(groups.values());
    }
    out.sort(Comparator.comparingLong(Group::count).reversed());
    return out;
  }

  public int capacity() {
    return capacity;
  }
}
