package io.kaleem.operator.rollout;

import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs analyses off the reconcile threads: one periodic job per tenant, measuring the revision the
 * reconcile asked for every {@code interval}. A reconcile only reads the latest tally, so a slow or
 * unreachable Prometheus never holds a reconcile thread. Asking for another revision (or another
 * analysis spec) replaces the job; a terminal tally (Failed, Error) stops it.
 */
public class AnalysisRunner implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AnalysisRunner.class);

  private record Job(String revision, String specKey, ScheduledFuture<?> future) {}

  private final PrometheusAnalysis prometheus;
  private final ScheduledExecutorService executor;
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final Map<String, AnalysisResult> results = new ConcurrentHashMap<>();
  private volatile Consumer<String> onMeasurement = k -> {};
  private volatile Consumer<AnalysisResult.Kind> onMeasured = k -> {};

  public AnalysisRunner(PrometheusAnalysis prometheus, int threads) {
    this.prometheus = prometheus;
    this.executor =
        Executors.newScheduledThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "rollout-analysis");
              t.setDaemon(true);
              return t;
            });
  }

  /** Called with the kind of every measurement taken (the operator's metrics). */
  public void onMeasured(Consumer<AnalysisResult.Kind> c) {
    this.onMeasured = c;
  }

  /** Called with the tenant key after every measurement (triggers a reconcile). */
  public void onMeasurement(Consumer<String> c) {
    this.onMeasurement = c;
  }

  /** The latest tally for this revision of the tenant, if an analysis of it has run. */
  public Optional<AnalysisResult> latest(String tenantKey, String revision) {
    AnalysisResult r = results.get(tenantKey);
    return r != null && r.revision().equals(revision) ? Optional.of(r) : Optional.empty();
  }

  /** Makes sure the revision is being measured; idempotent, never blocks. */
  public void ensure(
      String tenantKey,
      String provider,
      URI endpoint,
      String namespace,
      String tenant,
      String revision,
      KaleemTenantSpec.Analysis a) {
    String specKey =
        provider
            + "|"
            + endpoint
            + "|"
            + a.window
            + "|"
            + a.interval
            + "|"
            + a.maxErrorRate
            + "|"
            + a.maxP95Latency
            + "|"
            + a.failureLimit
            + "|"
            + a.consecutiveErrorLimit
            + "|"
            + a.minSamples;
    Job current = jobs.get(tenantKey);
    if (current != null
        && current.revision().equals(revision)
        && current.specKey().equals(specKey)) {
      return;
    }
    stop(tenantKey);
    results.put(tenantKey, AnalysisResult.start(revision));
    long every = Math.max(1, Durations.parse(a.interval).toMillis());
    int failureLimit = a.failureLimit;
    int errorLimit = a.consecutiveErrorLimit;
    ScheduledFuture<?> f =
        executor.scheduleWithFixedDelay(
            () -> {
              AnalysisResult before = results.get(tenantKey);
              if (before == null || !before.revision().equals(revision) || before.terminal()) {
                return;
              }
              PrometheusAnalysis.Measurement m =
                  prometheus.measure(provider, endpoint, namespace, tenant, revision, a);
              AnalysisResult after = before.add(m.kind(), m.message(), failureLimit, errorLimit);
              onMeasured.accept(m.kind());
              results.put(tenantKey, after);
              log.info(
                  "analysis of {} revision {}: {} ({})",
                  tenantKey,
                  revision,
                  after.phase(),
                  m.message());
              try {
                onMeasurement.accept(tenantKey);
              } catch (RuntimeException e) {
                log.warn("analysis event not delivered: {}", e.toString());
              }
            },
            0,
            every,
            TimeUnit.MILLISECONDS);
    jobs.put(tenantKey, new Job(revision, specKey, f));
  }

  public void stop(String tenantKey) {
    Job j = jobs.remove(tenantKey);
    if (j != null) {
      j.future().cancel(false);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }

  /** Spring-style durations of the CRD (500ms, 30s, 2m, 1h, 1d). */
  public static final class Durations {
    private Durations() {}

    public static Duration parse(String s) {
      if (s == null) {
        return Duration.ofSeconds(30);
      }
      long n = Long.parseLong(s.replaceAll("[a-z]+$", ""));
      String unit = s.replaceAll("^[0-9]+", "");
      return switch (unit) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        default -> throw new IllegalArgumentException("not a duration: " + s);
      };
    }
  }
}
