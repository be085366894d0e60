package io.kaleem.api.cache;

import static io.kaleem.crds.metrics.MetricNames.CACHE_HIT;
import static io.kaleem.crds.metrics.MetricNames.CACHE_L1_ENTRIES;
import static io.kaleem.crds.metrics.MetricNames.CACHE_L1_EVICTIONS;
import static io.kaleem.crds.metrics.MetricNames.CACHE_LOAD_DURATION;
import static io.kaleem.crds.metrics.MetricNames.CACHE_MISS;
import static io.kaleem.crds.metrics.MetricNames.CACHE_OPERATIONS;
import static io.kaleem.crds.metrics.MetricNames.CACHE_WARMING_DURATION;
import static io.kaleem.crds.metrics.MetricNames.CACHE_WARMING_KEYS;
import static io.kaleem.crds.metrics.MetricNames.CACHE_WARMING_RUNS;
import static io.kaleem.crds.metrics.MetricNames.LABEL_CACHE_KEY_PREFIX;
import static io.kaleem.crds.metrics.MetricNames.LABEL_CACHE_LEVEL;
import static io.kaleem.crds.metrics.MetricNames.LABEL_OPERATION;
import static io.kaleem.crds.metrics.MetricNames.LABEL_RESULT;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The cache's series, named by crds' {@code MetricNames}. Labels carry regions, levels, operations
 * and results, all from fixed sets, never a key. Micrometer's Prometheus export adds {@code _total}
 * to counters and the base unit ({@code _seconds}) to timers, so meters are registered under the
 * shared name without that suffix and the scrape shows the shared name exactly.
 */
public final class CacheMetrics {

  private final MeterRegistry registry;
  private final Map<String, Counter> hits = new ConcurrentHashMap<>();
  private final Map<String, Counter> misses = new ConcurrentHashMap<>();

  public CacheMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The name to register a meter under so Prometheus exports {@code exported}. */
  static String base(String exported, String suffix) {
    if (!exported.endsWith(suffix)) {
      throw new IllegalArgumentException(exported + " does not end with " + suffix);
    }
    return exported.substring(0, exported.length() - suffix.length());
  }

  static String counterName(String exported) {
    return base(exported, "_total");
  }

  static String timerName(String exported) {
    return base(exported, "_seconds");
  }

  // Hits and misses are counted on every read: their counters are looked up once per label set.
  void hit(String region, String level) {
    hits.computeIfAbsent(
            level + ' ' + region,
            k ->
                Counter.builder(counterName(CACHE_HIT))
                    .tag(LABEL_CACHE_LEVEL, level)
                    .tag(LABEL_CACHE_KEY_PREFIX, region)
                    .register(registry))
        .increment();
  }

  void miss(String region) {
    misses
        .computeIfAbsent(
            region,
            k ->
                Counter.builder(counterName(CACHE_MISS))
                    .tag(LABEL_CACHE_KEY_PREFIX, region)
                    .register(registry))
        .increment();
  }

  /** Hits so far, for the admin stats: level → region → count. */
  Map<String, Map<String, Long>> hitCounts() {
    Map<String, Map<String, Long>> out = new java.util.TreeMap<>();
    hits.forEach(
        (k, c) -> {
          int space = k.indexOf(' ');
          out.computeIfAbsent(k.substring(0, space), x -> new java.util.TreeMap<>())
              .put(k.substring(space + 1), (long) c.count());
        });
    return out;
  }

  Map<String, Long> missCounts() {
    Map<String, Long> out = new java.util.TreeMap<>();
    misses.forEach((k, c) -> out.put(k, (long) c.count()));
    return out;
  }

  void operation(String operation, String result, String level) {
    Counter.builder(counterName(CACHE_OPERATIONS))
        .tag(LABEL_OPERATION, operation)
        .tag(LABEL_RESULT, result)
        .tag(LABEL_CACHE_LEVEL, level)
        .register(registry)
        .increment();
  }

  void load(String region, long nanos) {
    Timer.builder(timerName(CACHE_LOAD_DURATION))
        .tag(LABEL_CACHE_KEY_PREFIX, region)
        .publishPercentileHistogram()
        .register(registry)
        .record(Duration.ofNanos(nanos));
  }

  void l1Size(Supplier<Number> entries) {
    Gauge.builder(CACHE_L1_ENTRIES, entries).register(registry);
  }

  void l1Eviction() {
    Counter.builder(counterName(CACHE_L1_EVICTIONS)).register(registry).increment();
  }

  void warming(String result, Duration took, long keys) {
    Counter.builder(counterName(CACHE_WARMING_RUNS))
        .tag(LABEL_RESULT, result)
        .register(registry)
        .increment();
    Timer.builder(timerName(CACHE_WARMING_DURATION))
        .tag(LABEL_RESULT, result)
        .register(registry)
        .record(took);
    Counter.builder(counterName(CACHE_WARMING_KEYS)).register(registry).increment(keys);
  }
}
