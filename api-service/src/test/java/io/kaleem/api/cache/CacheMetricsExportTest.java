package io.kaleem.api.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.crds.metrics.MetricNames;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The cache's series, scraped from a real Prometheus registry, carry exactly the names and labels
 * crds' {@code MetricNames} declares: what dashboards, alerts and the operator query.
 */
class CacheMetricsExportTest {

  static final Pattern TYPE = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)$");

  @Test
  void exportedNamesAreExactlyTheSharedConstants() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    CacheMetrics metrics = new CacheMetrics(registry);
    metrics.hit("product", MetricNames.CACHE_LEVEL_L1);
    metrics.hit("product", MetricNames.CACHE_LEVEL_L2);
    metrics.miss("product");
    metrics.operation("put", "success", MetricNames.CACHE_LEVEL_L2);
    metrics.load("product", 1_000_000);
    metrics.l1Size(() -> 3);
    metrics.l1Eviction();
    metrics.warming("completed", Duration.ofMillis(20), 7);

    String scrape = registry.scrape();
    Set<String> families = new TreeSet<>();
    Matcher m = TYPE.matcher(scrape);
    while (m.find()) {
      families.add(m.group(1) + " " + m.group(2));
    }
    // Micrometer adds a {name}_max gauge beside every timer; everything else is a shared name.
    assertThat(families)
        .containsExactlyInAnyOrder(
            MetricNames.CACHE_LOAD_DURATION + "_max gauge",
            MetricNames.CACHE_WARMING_DURATION + "_max gauge",
            MetricNames.CACHE_HIT + " counter",
            MetricNames.CACHE_MISS + " counter",
            MetricNames.CACHE_OPERATIONS + " counter",
            MetricNames.CACHE_LOAD_DURATION + " histogram",
            MetricNames.CACHE_L1_ENTRIES + " gauge",
            MetricNames.CACHE_L1_EVICTIONS + " counter",
            MetricNames.CACHE_WARMING_RUNS + " counter",
            MetricNames.CACHE_WARMING_DURATION + " summary",
            MetricNames.CACHE_WARMING_KEYS + " counter");
    assertThat(scrape)
        .contains(
            MetricNames.CACHE_HIT
                + "{"
                + MetricNames.LABEL_CACHE_KEY_PREFIX
                + "=\"product\","
                + MetricNames.LABEL_CACHE_LEVEL
                + "=\"l1\"} 1")
        .contains(
            MetricNames.CACHE_MISS + "{" + MetricNames.LABEL_CACHE_KEY_PREFIX + "=\"product\"} 1")
        .contains(
            MetricNames.CACHE_OPERATIONS
                + "{"
                + MetricNames.LABEL_CACHE_LEVEL
                + "=\"l2\","
                + MetricNames.LABEL_OPERATION
                + "=\"put\","
                + MetricNames.LABEL_RESULT
                + "=\"success\"} 1")
        .contains(MetricNames.bucket(MetricNames.CACHE_LOAD_DURATION) + "{")
        .contains(MetricNames.CACHE_WARMING_KEYS + " 7");
  }

  @Test
  void aSharedNameWithoutItsSuffixIsRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> CacheMetrics.counterName("cache_hit"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
