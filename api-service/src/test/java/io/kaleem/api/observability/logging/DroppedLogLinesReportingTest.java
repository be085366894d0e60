package io.kaleem.api.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.kaleem.api.observability.logging.DroppedLogLines.Reason;
import io.kaleem.crds.metrics.MetricNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The two ways drops are reported: the counter series and the periodic WARN line. */
class DroppedLogLinesReportingTest {

  @Test
  void theMetricCountsEachReasonAndLevel() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new DroppedLogLinesMetrics().bindTo(registry);
    double before =
        registry
            .get(MetricNames.LOG_EVENTS_DROPPED)
            .tag(MetricNames.LABEL_REASON, "write_failed")
            .tag(MetricNames.LABEL_LEVEL, "error")
            .functionCounter()
            .count();
    DroppedLogLines.record(Reason.WRITE_FAILED, Level.ERROR);
    DroppedLogLines.record(Reason.WRITE_FAILED, Level.ERROR);
    assertThat(
            registry
                .get(MetricNames.LOG_EVENTS_DROPPED)
                .tag(MetricNames.LABEL_REASON, "write_failed")
                .tag(MetricNames.LABEL_LEVEL, "error")
                .functionCounter()
                .count())
        .isEqualTo(before + 2);
    // Every reason and level is a series from the start, so rate() sees the first drop.
    assertThat(registry.find(MetricNames.LOG_EVENTS_DROPPED).functionCounters())
        .hasSize(Reason.values().length * DroppedLogLines.LEVELS.size());
  }

  @Test
  void aReportIsWrittenOnlyForAnIntervalWithDrops() {
    DroppedLogLinesReporter reporter = new DroppedLogLinesReporter(Duration.ofHours(1));
    reporter.start();
    try {
      // Drops other tests of this JVM left are counted from start(): none to report yet.
      assertThat(reporter.report()).isZero();
      DroppedLogLines.record(Reason.QUEUE_FULL, Level.INFO);
      DroppedLogLines.record(Reason.UNSERIALISABLE, Level.WARN);
      assertThat(reporter.report()).isGreaterThanOrEqualTo(2);
      assertThat(reporter.isRunning()).isTrue();
    } finally {
      reporter.stop();
    }
    assertThat(reporter.isRunning()).isFalse();
  }

  @Test
  void aNonPositiveIntervalIsRefused() {
    assertThatThrownBy(() -> new DroppedLogLinesReporter(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kaleem.logging.dropped-report-interval");
  }
}
