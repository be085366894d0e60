package io.kaleem.api.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The management port's listener on its own: /metrics only, both formats, a clean stop, scrapes
 * during a stop.
 */
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

  @Test
  void aScrapeDuringShutdownGetsAWholeAnswerOrAClosedConnectionAndNothingThrows() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Enough series that a scrape takes a while, so stops land in the middle of some.
    for (int i = 0; i < 3000; i++) {
      registry.counter("http.requests", "route", "/r" + i).increment();
    }
    MetricsServer server = new MetricsServer(registry, "127.0.0.1", 0);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    Logger logger = (Logger) LoggerFactory.getLogger(MetricsServer.class);
    logger.addAppender(logged);
    logged.start();
    server.start();
    URI uri = URI.create("http://127.0.0.1:" + server.port() + "/metrics");
    List<Object> outcomes = new CopyOnWriteArrayList<>();
    CountDownLatch scraping = new CountDownLatch(3);
    Thread scraper =
        new Thread(
            () -> {
              while (true) {
                try {
                  HttpResponse<String> r = send(HttpRequest.newBuilder(uri));
                  outcomes.add(r);
                  scraping.countDown();
                } catch (java.io.IOException e) {
                  outcomes.add(e); // refused or cut: the server is gone
                  if (e instanceof java.net.ConnectException) {
                    return;
                  }
                } catch (Exception e) {
                  outcomes.add(e);
                  return;
                }
              }
            });
    scraper.start();
    try {
      assertThat(scraping.await(60, TimeUnit.SECONDS)).isTrue();
      // The application context's order at shutdown: the listener stops, then the registry closes.
      server.stop();
      registry.close();
      scraper.join(TimeUnit.SECONDS.toMillis(60));
      assertThat(scraper.isAlive()).isFalse();
      assertThat(registry.scrape(MetricsServer.OPENMETRICS)).endsWith("# EOF\n");
    } finally {
      logger.detachAppender(logged);
    }
    assertThat(outcomes)
        .allSatisfy(
            o -> {
              if (o instanceof HttpResponse<?> r) {
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat((String) r.body()).contains("route=\"/r2999\"").endsWith("\n");
              } else {
                assertThat(o).isInstanceOf(java.io.IOException.class);
              }
            });
    assertThat(outcomes.get(outcomes.size() - 1)).isInstanceOf(java.net.ConnectException.class);
    assertThat(logged.list)
        .as("no failed scrape was logged")
        .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(
        b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
