package io.kaleem.crds.analysis;

import static io.kaleem.crds.metrics.MetricNames.HTTP_ERRORS;
import static io.kaleem.crds.metrics.MetricNames.HTTP_REQUEST_DURATION;
import static io.kaleem.crds.metrics.MetricNames.LABEL_NAMESPACE;
import static io.kaleem.crds.metrics.MetricNames.LABEL_REVISION;
import static io.kaleem.crds.metrics.MetricNames.LABEL_TENANT;
import static io.kaleem.crds.metrics.MetricNames.bucket;
import static io.kaleem.crds.metrics.MetricNames.count;

import java.util.List;

/**
 * The PromQL of the operator's rollout analysis, written once: the operator measures a revision
 * with these queries, and the API's observability contract test evaluates the very same texts in a
 * real Prometheus scraping the running API, so an analysis can never read a series the API does not
 * export (where "no data" would hold every rollout as inconclusive).
 */
public final class AnalysisQueries {

  private AnalysisQueries() {}

  /** The series of one revision of one tenant (the target labels the scrape adds). */
  public static String selector(String namespace, String tenant, String revision) {
    return LABEL_NAMESPACE
        + "=\""
        + namespace
        + "\","
        + LABEL_TENANT
        + "=\""
        + tenant
        + "\","
        + LABEL_REVISION
        + "=\""
        + revision
        + "\"";
  }

  /** Requests answered over the window (the analysis needs a minimum before it judges). */
  public static String requests(String sel, String window) {
    return "sum(increase(" + count(HTTP_REQUEST_DURATION) + "{" + sel + "}[" + window + "]))";
  }

  /** Errors over requests; no error series at all means no errors (never "no data"). */
  public static String errorRate(String sel, String window) {
    return "(sum(rate("
        + HTTP_ERRORS
        + "{"
        + sel
        + "}["
        + window
        + "])) or vector(0)) / sum(rate("
        + count(HTTP_REQUEST_DURATION)
        + "{"
        + sel
        + "}["
        + window
        + "]))";
  }

  /** P95 latency in seconds over the window. */
  public static String p95(String sel, String window) {
    return "histogram_quantile(0.95, sum by (le) (rate("
        + bucket(HTTP_REQUEST_DURATION)
        + "{"
        + sel
        + "}["
        + window
        + "])))";
  }

  /** Every query one measurement runs, in the order the operator runs them. */
  public static List<String> all(String sel, String window) {
    return List.of(requests(sel, window), errorRate(sel, window), p95(sel, window));
  }
}
