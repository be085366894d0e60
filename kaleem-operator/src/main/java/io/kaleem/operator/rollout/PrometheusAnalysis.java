package io.kaleem.operator.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kaleem.crds.analysis.AnalysisQueries;
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
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * One measurement of a revision against a Prometheus server: request count, error rate and P95
 * latency over the analysis window, for that revision's pods only. The queries are {@code crds}'
 * {@link AnalysisQueries}, which the API's contract test evaluates against the running API. Runs on
 * the analysis executor, never on a reconcile thread; a failure message names the status or the
 * exception class only, never a response body.
 */
public class PrometheusAnalysis {

  /** The outcome of one measurement. */
  public record Measurement(AnalysisResult.Kind kind, String message) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  public Measurement measure(
      String provider,
      URI endpoint,
      String namespace,
      String tenant,
      String revision,
      KaleemTenantSpec.Analysis a) {
    String sel = AnalysisQueries.selector(namespace, tenant, revision);
    String w = a.window;
    try {
      OptionalDouble requests = query(endpoint, AnalysisQueries.requests(sel, w));
      int min = a.minSamples;
      if (requests.isEmpty() || requests.getAsDouble() < min) {
        return new Measurement(
            AnalysisResult.Kind.NO_DATA,
            "no data: " + fmt(requests) + " requests over " + w + " (at least " + min + " needed)");
      }
      OptionalDouble errors = query(endpoint, AnalysisQueries.errorRate(sel, w));
      OptionalDouble p95 = query(endpoint, AnalysisQueries.p95(sel, w));
      if (errors.isEmpty() || p95.isEmpty()) {
        return new Measurement(AnalysisResult.Kind.NO_DATA, "no data for error rate or P95");
      }
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
              + w
              + ", "
              + fmt(requests)
              + " requests";
      boolean bad = errors.getAsDouble() > maxErrors || p95.getAsDouble() > maxP95;
      return new Measurement(
          bad ? AnalysisResult.Kind.FAILURE : AnalysisResult.Kind.SUCCESS, summary);
    } catch (IOException e) {
      return new Measurement(
          AnalysisResult.Kind.ERROR,
          "Prometheus '" + provider + "': " + Messages.bound(e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Measurement(AnalysisResult.Kind.ERROR, "interrupted");
    } catch (RuntimeException e) {
      return new Measurement(
          AnalysisResult.Kind.ERROR,
          "Prometheus '" + provider + "': " + e.getClass().getSimpleName());
    }
  }

  /** IOException messages here are ours: a status code or an exception class, never a body. */
  private OptionalDouble query(URI base, String promql) throws IOException, InterruptedException {
    URI uri =
        URI.create(
            base.toString().replaceAll("/+$", "")
                + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    HttpResponse<String> res;
    try {
      res =
          http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IOException("unreachable (" + e.getClass().getSimpleName() + ")");
    }
    if (res.statusCode() != 200) {
      throw new IOException("answered HTTP " + res.statusCode());
    }
    JsonNode result;
    try {
      result = JSON.readTree(res.body()).path("data").path("result");
    } catch (IOException e) {
      throw new IOException("answered something that is not a query result");
    }
    if (!result.isArray() || result.isEmpty()) {
      return OptionalDouble.empty();
    }
    double d;
    try {
      d = Double.parseDouble(result.get(0).path("value").path(1).asText());
    } catch (NumberFormatException e) {
      throw new IOException("answered a value that is not a number");
    }
    return Double.isNaN(d) || Double.isInfinite(d) ? OptionalDouble.empty() : OptionalDouble.of(d);
  }

  private static String fmt(OptionalDouble d) {
    return d.isPresent() ? String.format(Locale.ROOT, "%.4f", d.getAsDouble()) : "n/a";
  }
}
