package io.kaleem.api.observability.logging;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Writes one WARN line per interval in which log lines were dropped ({@link DroppedLogLines}): how
 * many since the last report, how many WARN/ERROR among them, and the totals. WARN lines are the
 * ones the appender keeps preferentially, so the report survives the congestion it reports, and a
 * reader of the log sees where its gaps are. A final report runs at shutdown, before logging stops,
 * so drops of the last interval are not lost with the process.
 */
@Component
public class DroppedLogLinesReporter implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(DroppedLogLinesReporter.class);

  private final Duration interval;
  private ScheduledExecutorService timer;
  private long reportedTotal;
  private long reportedSevere;

  public DroppedLogLinesReporter(
      @Value("${kaleem.logging.dropped-report-interval:30s}") Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException(
          "kaleem.logging.dropped-report-interval must be positive, got " + interval);
    }
    this.interval = interval;
  }

  @Override
  public synchronized void start() {
    // Counted from start-up: drops before this (none in practice) are in the metric.
    reportedTotal = DroppedLogLines.total();
    reportedSevere = severe();
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "dropped-log-lines-reporter");
              t.setDaemon(true);
              return t;
            });
    long ms = interval.toMillis();
    timer.scheduleAtFixedRate(this::report, ms, ms, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void stop() {
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
      report();
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return timer != null;
  }

  /** Logs the drops since the last report, if any; returns how many it reported. */
  public synchronized long report() {
    long total = DroppedLogLines.total();
    long severe = severe();
    long dropped = total - reportedTotal;
    if (dropped == 0) {
      return 0;
    }
    log.atWarn()
        .addKeyValue("droppedLines", dropped)
        .addKeyValue("droppedWarnOrError", severe - reportedSevere)
        .addKeyValue("droppedLinesTotal", total)
        .addKeyValue(
            "droppedQueueFullTotal", DroppedLogLines.count(DroppedLogLines.Reason.QUEUE_FULL))
        .addKeyValue(
            "droppedUnserialisableTotal",
            DroppedLogLines.count(DroppedLogLines.Reason.UNSERIALISABLE))
        .addKeyValue(
            "droppedWriteFailedTotal", DroppedLogLines.count(DroppedLogLines.Reason.WRITE_FAILED))
        .log("log lines dropped: the log sink is slower than the application");
    reportedTotal = total;
    reportedSevere = severe;
    return dropped;
  }

  private static long severe() {
    long sum = 0;
    for (DroppedLogLines.Reason r : DroppedLogLines.Reason.values()) {
      sum += DroppedLogLines.count(r, Level.WARN) + DroppedLogLines.count(r, Level.ERROR);
    }
    return sum;
  }
}
