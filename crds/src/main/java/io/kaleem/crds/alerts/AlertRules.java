package io.kaleem.crds.alerts;

import static io.kaleem.crds.metrics.MetricNames.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The platform's alert rules, built in one place: the operator's per-tenant {@code PrometheusRule}
 * and the committed {@code observability/alerts/api-alerts.yml} are both {@link #groups} of this
 * class (a test in this module fails when the file differs), and every series they read is a {@link
 * io.kaleem.crds.metrics.MetricNames} constant, which the API's proof test finds in a real scrape.
 *
 * <p>Each {@link Alert} is a {@code signal} (a PromQL expression that returns one series per tenant
 * whenever the API runs and is used) compared with a threshold. Keeping the signal separate is what
 * lets a test evaluate it against a live Prometheus and tell "quiet" (value under the threshold)
 * from "blind" (no data: a name or label nobody exports).
 */
public final class AlertRules {

  /** Where the runbook lives; each alert links to its section ({@code #kaleemhighp95latency}). */
  public static final String RUNBOOK =
      "https://github.com/kaleem-io/kaleem-platform/blob/main/docs/RUNBOOK.md";

  /** Every signal is aggregated per tenant; these are the target labels the scrape adds. */
  static final String BY_TENANT = LABEL_NAMESPACE + ", " + LABEL_TENANT;

  static final String BY_INSTANCE = BY_TENANT + ", instance";

  private AlertRules() {}

  /**
   * Which series the rules select and what they add to each alert. {@code matchers} is PromQL label
   * matchers without braces ({@code namespace="a",tenant="b"}) or empty for every tenant.
   */
  public record Scope(String groupName, String matchers, Map<String, String> extraLabels) {

    /** Every tenant a Prometheus scrapes: the committed {@code api-alerts.yml}. */
    public static Scope allTenants() {
      return new Scope("kaleem-api", "", Map.of());
    }

    /** One tenant: what the operator puts in that tenant's {@code PrometheusRule}. */
    public static Scope tenant(String namespace, String tenant) {
      return new Scope(
          "kaleem-tenant-" + tenant,
          LABEL_NAMESPACE + "=\"" + namespace + "\"," + LABEL_TENANT + "=\"" + tenant + "\"",
          Map.of(LABEL_TENANT, tenant));
    }
  }

  /**
   * The SLO thresholds, as the {@code KaleemTenant} spells them: durations such as {@code 500ms},
   * ratios such as {@code 0.05}. {@code window} is the rate window and the time a breach must last.
   */
  public record Thresholds(
      String p95Latency, String errorRate, String cacheHitRate, String window) {

    /** The seed's thresholds: P95 500 ms, 5 % errors for 2 minutes, 70 % cache hits. */
    public static Thresholds defaults() {
      return new Thresholds("500ms", "0.05", "0.70", "2m");
    }
  }

  /** One alert: fires when {@code signal op threshold} holds for {@code forDuration}. */
  public record Alert(
      String name,
      String signal,
      String op,
      String threshold,
      String forDuration,
      String severity,
      String summary,
      String description) {

    public String expr() {
      return signal + " " + op + " " + threshold;
    }

    public String runbookUrl() {
      return RUNBOOK + "#" + name.toLowerCase(Locale.ROOT);
    }
  }

  /** The alerts for a scope, in a stable order. */
  public static List<Alert> alerts(Scope scope, Thresholds t) {
    String w = t.window();
    Selector s = new Selector(scope.matchers());
    List<Alert> out = new ArrayList<>();
    out.add(
        new Alert(
            "KaleemHighP95Latency",
            "histogram_quantile(0.95, sum by ("
                + BY_TENANT
                + ", le) (rate("
                + bucket(HTTP_REQUEST_DURATION)
                + s.with()
                + "["
                + w
                + "])))",
            ">",
            seconds(t.p95Latency()),
            w,
            "warning",
            "P95 latency of tenant {{ $labels.tenant }} is {{ $value | humanizeDuration }}",
            "95 % of requests should answer within "
                + t.p95Latency()
                + "; over the last "
                + w
                + " they did not."));
    out.add(
        new Alert(
            "KaleemHighErrorRate",
            "sum by ("
                + BY_TENANT
                + ") (rate("
                + HTTP_ERRORS
                + s.with(LABEL_STATUS_CODE + "=~\"5..\"")
                + "["
                + w
                + "])) / sum by ("
                + BY_TENANT
                + ") (rate("
                + HTTP_REQUESTS
                + s.with()
                + "["
                + w
                + "]))",
            ">",
            t.errorRate(),
            w,
            "critical",
            "Tenant {{ $labels.tenant }} answers {{ $value | humanizePercentage }} of requests"
                + " with a server error",
            "More than "
                + percent(t.errorRate())
                + " of requests ended in a 5xx for "
                + w
                + " (client errors, 4xx, are not counted)."));
    String hits = "sum by (" + BY_TENANT + ") (rate(" + CACHE_HIT + s.with() + "[" + w + "]))";
    out.add(
        new Alert(
            "KaleemLowCacheHitRate",
            hits
                + " / ("
                + hits
                + " + sum by ("
                + BY_TENANT
                + ") (rate("
                + CACHE_MISS
                + s.with()
                + "["
                + w
                + "])))",
            "<",
            t.cacheHitRate(),
            "10m",
            "warning",
            "Cache hit rate of tenant {{ $labels.tenant }} is {{ $value | humanizePercentage }}",
            "Fewer than "
                + percent(t.cacheHitRate())
                + " of cache reads were hits for 10 minutes: more load reaches MongoDB."));
    out.add(
        new Alert(
            "KaleemDatabaseConnectionProblems",
            "sum by (" + BY_TENANT + ") (" + MONGODB_CONNECTIONS + s.with() + ")",
            "<",
            "1",
            "2m",
            "critical",
            "Tenant {{ $labels.tenant }} holds no MongoDB connection",
            "The API's connection pool keeps at least its minimum size (5) open while MongoDB is"
                + " reachable; an empty pool for 2 minutes means the database cannot be reached."));
    String dbCount = count(DATABASE_QUERY_DURATION);
    out.add(
        new Alert(
            "KaleemDatabaseErrors",
            "sum by ("
                + BY_TENANT
                + ") (rate("
                + dbCount
                + s.with(LABEL_STATUS + "=\"" + STATUS_ERROR + "\"")
                + "["
                + w
                + "])) / sum by ("
                + BY_TENANT
                + ") (rate("
                + dbCount
                + s.with()
                + "["
                + w
                + "]))",
            ">",
            t.errorRate(),
            w,
            "critical",
            "{{ $value | humanizePercentage }} of MongoDB commands of tenant {{ $labels.tenant }}"
                + " fail",
            "More than "
                + percent(t.errorRate())
                + " of database commands failed (command errors or write errors) for "
                + w
                + "."));
    out.add(
        new Alert(
            "KaleemResourceExhaustion",
            "max by ("
                + BY_INSTANCE
                + ") ("
                + JVM_MEMORY_USAGE_AFTER_GC
                + s.with(LABEL_AREA + "=\"heap\"")
                + ")",
            ">",
            "0.9",
            "5m",
            "warning",
            "API instance {{ $labels.instance }} of tenant {{ $labels.tenant }} keeps"
                + " {{ $value | humanizePercentage }} of its heap full after GC",
            "The long-lived heap stays over 90 % full after collections for 5 minutes:"
                + " the JVM is close to OutOfMemoryError and spends its time in GC."));
    out.add(
        new Alert(
            "KaleemCpuSaturation",
            "max by (" + BY_INSTANCE + ") (" + PROCESS_CPU_USAGE + s.with() + ")",
            ">",
            "0.9",
            "10m",
            "warning",
            "API instance {{ $labels.instance }} of tenant {{ $labels.tenant }} uses"
                + " {{ $value | humanizePercentage }} of its CPUs",
            "The API process used over 90 % of the CPUs it may use for 10 minutes: latency"
                + " follows; scale out or raise the CPU limit."));
    out.add(
        new Alert(
            "KaleemFileDescriptorExhaustion",
            "max by ("
                + BY_INSTANCE
                + ") ("
                + PROCESS_FILES_OPEN
                + s.with()
                + " / "
                + PROCESS_FILES_MAX
                + s.with()
                + ")",
            ">",
            "0.9",
            "5m",
            "warning",
            "API instance {{ $labels.instance }} of tenant {{ $labels.tenant }} uses"
                + " {{ $value | humanizePercentage }} of its file descriptors",
            "Over 90 % of the process's file descriptor limit is in use: new connections"
                + " (clients, MongoDB, Redis) will soon fail."));
    return out;
  }

  /** The rule groups in Prometheus rule-file form (also the {@code PrometheusRule} spec). */
  public static List<Map<String, Object>> groups(Scope scope, Thresholds t) {
    List<Map<String, Object>> rules = new ArrayList<>();
    for (Alert a : alerts(scope, t)) {
      Map<String, Object> labels = new LinkedHashMap<>();
      labels.put("severity", a.severity());
      labels.putAll(scope.extraLabels());
      Map<String, Object> annotations = new LinkedHashMap<>();
      annotations.put("summary", a.summary());
      annotations.put("description", a.description());
      annotations.put("runbook_url", a.runbookUrl());
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("alert", a.name());
      r.put("expr", a.expr());
      r.put("for", a.forDuration());
      r.put("labels", labels);
      r.put("annotations", annotations);
      rules.add(r);
    }
    Map<String, Object> group = new LinkedHashMap<>();
    group.put("name", scope.groupName());
    group.put("rules", rules);
    return List.of(group);
  }

  /** A KaleemTenant duration as seconds for PromQL comparisons: {@code 500ms} to {@code 0.5}. */
  public static String seconds(String duration) {
    return String.valueOf(toDuration(duration).toMillis() / 1000.0);
  }

  /** Parses {@code <n>ms|s|m|h|d}, the duration pattern of the KaleemTenant schema. */
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

  private static String percent(String ratio) {
    return Math.round(Double.parseDouble(ratio) * 1000) / 10.0 + " %";
  }

  /** The scope's matchers plus extra ones, as a PromQL label selector ({@code {...}} or none). */
  private record Selector(String base) {
    String with(String... extra) {
      List<String> parts = new ArrayList<>();
      if (!base.isEmpty()) {
        parts.add(base);
      }
      parts.addAll(List.of(extra));
      return parts.isEmpty() ? "" : "{" + String.join(",", parts) + "}";
    }
  }
}
