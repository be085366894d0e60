package io.kaleem.operator.status;

import io.kaleem.crds.metrics.MetricNames;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event occurrences that were not recorded, by cause: counted on {@code
 * kaleem_operator_events_dropped_total{cause}} at once, and logged as one summary line per interval
 * so that an API server refusing every Event of a burst does not turn into a log line per Event.
 */
final class EventDrops {

  private static final Logger log = LoggerFactory.getLogger(TenantEvents.class);

  /** Too many distinct (object, type, reason) keys pending: a new key is not queued. */
  static final String FULL = "queue_full";

  /** The API server refused or failed the create or patch. */
  static final String ERROR = "error";

  /** Still pending when the operator stopped. */
  static final String SHUTDOWN = "shutdown";

  private final MeterRegistry meters;
  private final long intervalNanos;
  private final Map<String, Integer> sinceLog = new TreeMap<>();
  private String lastError;
  private long loggedAt;

  EventDrops(MeterRegistry meters, long intervalNanos) {
    this.meters = meters;
    this.intervalNanos = intervalNanos;
    this.loggedAt = System.nanoTime() - intervalNanos;
  }

  synchronized void drop(String cause, int occurrences, String detail) {
    meters.counter(MetricNames.OPERATOR_EVENTS_DROPPED, "cause", cause).increment(occurrences);
    sinceLog.merge(cause, occurrences, Integer::sum);
    if (detail != null) {
      lastError = detail;
    }
    logIfDue(System.nanoTime());
  }

  /** Logs the summary if there is one and the interval has passed. */
  synchronized void logIfDue(long now) {
    if (sinceLog.isEmpty() || now - loggedAt < intervalNanos) {
      return;
    }
    log.warn(
        "Kubernetes Events not recorded since the last report, by cause: {}{}",
        sinceLog,
        lastError == null ? "" : "; last error: " + lastError);
    sinceLog.clear();
    lastError = null;
    loggedAt = now;
  }

  /** Logs the summary, if any, now. */
  synchronized void flush() {
    logIfDue(loggedAt + intervalNanos);
  }
}
