package io.kaleem.operator.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.operator.resources.MonitoringResources;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Asks a Prometheus server whether a revision's error rate and P95 latency are within the rollout
 * thresholds, over the analysis window, for the pods of that revision ({@code revision} label,
 * copied from the pod label {@code kaleem.io/revision} by the scrape config).
 */
public class PrometheusAnalysis {

  /** The verdict of one analysis. {@code failure} is present when a threshold is exceeded. */
  public record Verdict(Optional<String> failure, String summary) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  public Verdict analyse(
      String namespace, String tenant, String revision, KaleemTenantSpec.Analysis a)
      throws IOException, InterruptedException {
    String sel =
        "namespace=\"" + namespace + "\",tenant=\"" + tenant + "\",revision=\"" + revision + "\"";
    String w = a.window;
    OptionalDouble errors =
        query(
            a.prometheusAddress,
            "sum(rate(http_errors_total{"
                + sel
                + "}["
                + w
                + "])) / sum(rate(http_request_duration_seconds_count{"
                + sel
                + "}["
                + w
                + "]))");
    OptionalDouble p95 =
        query(
            a.prometheusAddress,
            "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{"
                + sel
                + "}["
                + w
                + "])))");
    double maxErrors = Double.parseDouble(a.maxErrorRate);
    double maxP95 = Double.parseDouble(MonitoringResources.seconds(a.maxP95Latency));
    String summary =
        "error rate "
            + fmt(errors)
            + " (max "
            + a.maxErrorRate
            + "), P95 "
            + fmt(p95)
            + "s (max "
            + maxP95
            + "s) over "
            + w;
    if (errors.isPresent() && errors.getAsDouble() > maxErrors) {
      return new Verdict(Optional.of("analysis failed: " + summary), summary);
    }
    if (p95.isPresent() && p95.getAsDouble() > maxP95) {
      return new Verdict(Optional.of("analysis failed: " + summary), summary);
    }
    return new Verdict(Optional.empty(), summary);
  }

  private OptionalDouble query(String base, String promql)
      throws IOException, InterruptedException {
    String url =
        base.replaceAll("/+$", "")
            + "/api/v1/query?query="
            + URLEncoder.encode(promql, StandardCharsets.UTF_8);
    HttpResponse<String> res =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() != 200) {
      throw new IOException("Prometheus answered " + res.statusCode() + ": " + res.body());
    }
    JsonNode result = JSON.readTree(res.body()).path("data").path("result");
    if (!result.isArray() || result.isEmpty()) {
      return OptionalDouble.empty();
    }
    String v = result.get(0).path("value").path(1).asText();
    double d = Double.parseDouble(v);
    return Double.isNaN(d) ? OptionalDouble.empty() : OptionalDouble.of(d);
  }

  private static String fmt(OptionalDouble d) {
    return d.isPresent() ? String.format(java.util.Locale.ROOT, "%.4f", d.getAsDouble()) : "n/a";
  }
}
