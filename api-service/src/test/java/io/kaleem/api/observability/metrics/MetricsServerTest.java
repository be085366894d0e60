package io.kaleem.api.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The management port's listener on its own: /metrics only, both formats, a clean stop. */
class MetricsServerTest {

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void servesMetricsInBothFormatsAndNothingElse() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.counter("http.requests", "route", "/x").increment();
    MetricsServer server = new MetricsServer(registry, "127.0.0.1", 0);
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.port();
      HttpResponse<String> text = send(HttpRequest.newBuilder(URI.create(base + "/metrics")));
      assertThat(text.statusCode()).isEqualTo(200);
      assertThat(text.headers().firstValue("Content-Type")).hasValue(MetricsServer.TEXT);
      assertThat(text.body()).contains("http_requests_total{route=\"/x\"} 1.0");

      HttpResponse<String> om =
          send(
              HttpRequest.newBuilder(URI.create(base + "/metrics"))
                  .header("Accept", "application/openmetrics-text; version=1.0.0"));
      assertThat(om.headers().firstValue("Content-Type")).hasValue(MetricsServer.OPENMETRICS);
      assertThat(om.body()).endsWith("# EOF\n");

      assertThat(send(HttpRequest.newBuilder(URI.create(base + "/api/health"))).statusCode())
          .isEqualTo(404);
      assertThat(
              send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                      .POST(HttpRequest.BodyPublishers.noBody()))
                  .statusCode())
          .isEqualTo(405);
    } finally {
      server.stop();
    }
    assertThat(server.isRunning()).isFalse();
    server.stop(); // twice: a no-op, never an error during shutdown
  }

  @Test
  void withoutAPrometheusRegistryNothingListens() {
    MetricsServer server = new MetricsServer(null, "127.0.0.1", 0);
    server.start();
    assertThat(server.isRunning()).isFalse();
    assertThat(server.port()).isEqualTo(-1);
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(
        b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
