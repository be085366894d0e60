package io.kaleem.operator.resources;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.operator.Labels;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The tenant's SLO alerts as a prometheus-operator {@code PrometheusRule}. The API's metrics are
 * selected by {@code namespace} and {@code tenant} (the scrape config copies the pod label {@code
 * kaleem.io/tenant} into a {@code tenant} label); every alert also carries {@code tenant}.
 */
public class MonitoringResources {

  public static final String API_VERSION = "monitoring.coreos.com/v1";
  public static final String KIND = "PrometheusRule";
  public static final String CRD = "prometheusrules.monitoring.coreos.com";

  private final KubernetesClient client;
  private final Duration recheck;
  private final AtomicReference<Instant> absentUntil = new AtomicReference<>(Instant.MIN);
  private volatile boolean present;

  public MonitoringResources(KubernetesClient client, Duration recheck) {
    this.client = client;
    this.recheck = recheck;
  }

  /** Whether the PrometheusRule CRD is installed; a negative answer is cached for a while. */
  public boolean crdInstalled() {
    if (present) {
      return true;
    }
    Instant now = Instant.now();
    if (now.isBefore(absentUntil.get())) {
      return false;
    }
    present = client.apiextensions().v1().customResourceDefinitions().withName(CRD).get() != null;
    if (!present) {
      absentUntil.set(now.plus(recheck));
    }
    return present;
  }

  /** Forget a positive answer (the CRD was removed: a write returned 404). */
  public void forget() {
    present = false;
  }

  public static GenericKubernetesResource rule(KaleemTenant t, KaleemTenantSpec spec) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(API_VERSION)
        .withKind(KIND)
        .withNewMetadata()
        .withName(Labels.ruleName(t))
        .withLabels(Labels.common(t))
        .endMetadata()
        .addToAdditionalProperties("spec", Map.of("groups", groups(t, spec)))
        .build();
  }

  /** The rule groups, in Prometheus rule-file form (also what {@code promtool} checks). */
  public static List<Map<String, Object>> groups(KaleemTenant t, KaleemTenantSpec spec) {
    KaleemTenantSpec.Slo slo =
        spec.monitoring == null || spec.monitoring.slo == null
            ? new KaleemTenantSpec.Slo()
            : spec.monitoring.slo;
    String tenant = t.getMetadata().getName();
    String ns = t.getMetadata().getNamespace();
    String sel = "namespace=\"" + ns + "\",tenant=\"" + tenant + "\"";
    String pods =
        "namespace=\"" + ns + "\",pod=~\"" + Labels.apiName(t) + "-.*\",container=\"api\"";
    String w = slo.window;
    String p95 = seconds(slo.p95Latency);
    String requests = "sum(rate(http_request_duration_seconds_count{" + sel + "}[" + w + "]))";
    List<Map<String, Object>> rules =
        List.of(
            alert(
                "KaleemHighP95Latency",
                "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{"
                    + sel
                    + "}["
                    + w
                    + "]))) > "
                    + p95,
                w,
                "warning",
                tenant,
                "P95 latency of tenant " + tenant + " is above " + slo.p95Latency),
            alert(
                "KaleemHighErrorRate",
                "sum(rate(http_errors_total{"
                    + sel
                    + "}["
                    + w
                    + "])) / "
                    + requests
                    + " > "
                    + slo.errorRate,
                w,
                "critical",
                tenant,
                "Error rate of tenant " + tenant + " is above " + slo.errorRate),
            alert(
                "KaleemLowCacheHitRate",
                "sum(rate(cache_hit_total{"
                    + sel
                    + "}["
                    + w
                    + "])) / (sum(rate(cache_hit_total{"
                    + sel
                    + "}["
                    + w
                    + "])) + sum(rate(cache_miss_total{"
                    + sel
                    + "}["
                    + w
                    + "]))) < "
                    + slo.cacheHitRate,
                "10m",
                "warning",
                tenant,
                "Cache hit rate of tenant " + tenant + " is below " + slo.cacheHitRate),
            alert(
                "KaleemDatabaseConnectionProblems",
                "absent(mongodb_connections{"
                    + sel
                    + "}) or sum(mongodb_connections{"
                    + sel
                    + ",state=\"active\"}) == 0",
                "2m",
                "critical",
                tenant,
                "Tenant " + tenant + " reports no usable MongoDB connections"),
            alert(
                "KaleemResourceExhaustion",
                "max(container_memory_working_set_bytes{"
                    + pods
                    + "} / container_spec_memory_limit_bytes{"
                    + pods
                    + "}) > 0.9 or max(rate(container_cpu_cfs_throttled_periods_total{"
                    + pods
                    + "}[5m]) / rate(container_cpu_cfs_periods_total{"
                    + pods
                    + "}[5m])) > 0.5",
                "5m",
                "warning",
                tenant,
                "API pods of tenant " + tenant + " are near their memory limit or CPU-throttled"));
    Map<String, Object> group = new LinkedHashMap<>();
    group.put("name", "kaleem-tenant-" + tenant);
    group.put("rules", rules);
    return List.of(group);
  }

  private static Map<String, Object> alert(
      String name, String expr, String forDuration, String severity, String tenant, String text) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("alert", name);
    r.put("expr", expr);
    r.put("for", forDuration);
    r.put("labels", Map.of("severity", severity, "tenant", tenant));
    r.put("annotations", Map.of("summary", text));
    return r;
  }

  /** A Spring-style duration as seconds for PromQL comparisons: 500ms to 0.5. */
  public static String seconds(String duration) {
    return String.valueOf(toDuration(duration).toMillis() / 1000.0);
  }

  public static Duration toDuration(String d) {
    String num = d.replaceAll("[a-z]+$", "");
    long n = Long.parseLong(num);
    return switch (d.substring(num.length())) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> throw new IllegalArgumentException("not a duration: " + d);
    };
  }
}
