package io.kaleem.api.observability.logging;

import ch.qos.logback.classic.Level;
import io.kaleem.crds.metrics.MetricNames;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * {@code log_events_dropped_total{reason,level}}: the {@link DroppedLogLines} counts as counters of
 * every meter registry the application has (bound by Spring Boot to each one). Read at scrape time;
 * nothing is recorded on the logging path beyond the counts themselves.
 */
@Component
public class DroppedLogLinesMetrics implements MeterBinder {

  @Override
  public void bindTo(MeterRegistry registry) {
    for (DroppedLogLines.Reason reason : DroppedLogLines.Reason.values()) {
      for (Level level : DroppedLogLines.LEVELS) {
        FunctionCounter.builder(
                MetricNames.LOG_EVENTS_DROPPED,
                reason,
                r -> (double) DroppedLogLines.count(r, level))
            .description("Log lines produced but not written, by reason and level")
            .tag(MetricNames.LABEL_REASON, reason.label())
            .tag(MetricNames.LABEL_LEVEL, level.levelStr.toLowerCase(Locale.ROOT))
            .register(registry);
      }
    }
  }
}
