package io.kaleem.operator.metrics;

import static io.kaleem.crds.metrics.MetricNames.LABEL_OUTCOME;
import static io.kaleem.crds.metrics.MetricNames.LABEL_REASON;
import static io.kaleem.crds.metrics.MetricNames.LABEL_RESULT;

import io.kaleem.crds.metrics.MetricNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;

/**
 * The operator's own series (names in {@link MetricNames}): what a platform engineer alerts on when
 * the operator, not a tenant, is the problem. Label values are bounded sets, never free text.
 */
public final class OperatorMetrics {

  private final MeterRegistry registry;

  public OperatorMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** A rollout reached its verdict after {@code d}: promoted or rolled back. */
  public void rolloutEnded(boolean promoted, Duration d) {
    Timer.builder(MetricNames.OPERATOR_ROLLOUT_DURATION)
        .description("Time from the start of a rollout to its verdict")
        .tag(LABEL_OUTCOME, promoted ? "promoted" : "rolled_back")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofSeconds(1))
        .maximumExpectedValue(Duration.ofHours(2))
        .register(registry)
        .record(d);
  }

  /** An automatic rollback, counted by the category of its reason. */
  public void rolledBack(String reason) {
    registry
        .counter(MetricNames.OPERATOR_ROLLBACKS, LABEL_REASON, rollbackCategory(reason))
        .increment();
  }

  /** One analysis measurement: success, failure, no_data or error. */
  public void measured(String kind) {
    registry
        .counter(
            MetricNames.OPERATOR_ANALYSIS_MEASUREMENTS,
            LABEL_OUTCOME,
            kind.toLowerCase(Locale.ROOT))
        .increment();
  }

  /** One index sync job ended. */
  public void indexSyncEnded(boolean synced, Duration d) {
    Timer.builder(MetricNames.OPERATOR_INDEX_SYNC_DURATION)
        .description("Time of one tenant's index sync job")
        .tag(LABEL_RESULT, synced ? "synced" : "failed")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(10))
        .maximumExpectedValue(Duration.ofMinutes(30))
        .register(registry)
        .record(d);
  }

  /**
   * The bounded category of a rollback reason (the decision's message): deadline, restarts,
   * readiness, image, analysis, or other.
   */
  public static String rollbackCategory(String reason) {
    String r = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
    if (r.contains("analysis")) {
      return "analysis";
    }
    if (r.contains("deadline") || r.contains("progress")) {
      return "deadline";
    }
    if (r.contains("restart") || r.contains("crashloop") || r.contains("oomkilled")) {
      return "restarts";
    }
    if (r.contains("image") || r.contains("errimagepull")) {
      return "image";
    }
    if (r.contains("ready") || r.contains("readiness")) {
      return "readiness";
    }
    return "other";
  }
}
