package io.kaleem.api.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.CommerceFixtures;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.PrometheusServer;
import io.kaleem.api.support.Tokens;
import io.kaleem.crds.alerts.AlertRules;
import io.kaleem.crds.analysis.AnalysisQueries;
import io.kaleem.crds.metrics.MetricNames;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The observability contract, against the running API: traffic of every kind (successes, client
 * errors, server errors, database calls and a database write error, an order paid), then a scrape
 * of the management port must contain every series and label that any alert rule (the committed
 * file's and the operator's per-tenant ones, both {@link AlertRules}) or any Grafana panel query
 * reads; and a real Prometheus scraping the API must return data for each alert's signal and each
 * panel query.
 *
 * <p>{@link #PENDING} names the series whose feature is not merged yet; queries reading them are
 * listed, not evaluated, and the test fails as soon as one of them appears in the scrape, so the
 * list can only shrink.
 */
@ApiTest
@AutoConfigureMetrics
@TestPropertySource(properties = {"kaleem.metrics.port=0", "kaleem.metrics.host=127.0.0.1"})
@Import(ObservabilityContractTest.FailingRoute.class)
// Its own context (metrics export on) serves no other class: closed after it, not cached.
@DirtiesContext
class ObservabilityContractTest {

  /**
   * Series reserved in {@link MetricNames} whose exporter lands with another change (none now: the
   * cache and the realtime gateway export theirs). Remove a name here when its branch is merged;
   * the test then proves its queries too.
   */
  static final Set<String> PENDING = Set.of();

  /** Labels the scrape adds to every series (Kubernetes relabelling), not the API. */
  static final Set<String> TARGET_LABELS =
      Set.of("namespace", "tenant", "instance", "job", "pod", "revision", "container");

  static final Path DASHBOARDS = Path.of("../observability/grafana/dashboards");

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;
  @Autowired MetricsServer metricsServer;
  @Autowired MeterRegistry registry;
  @Autowired HttpMetricsFilter httpMetrics;
  @Autowired Tokens tokens;
  @LocalServerPort int port;

  /** Opened when {@link FailingRoute#hang()} runs: the request reached its handler. */
  static final CountDownLatch HANG_STARTED = new CountDownLatch(1);

  /** Opened when {@link FailingRoute#hang()} is cancelled: the server saw the client go. */
  static final CountDownLatch HANG_CANCELLED = new CountDownLatch(1);

  static final String HANG = "/api/v1/test-failures/hang";

  /**
   * A handler that fails the way a bug does, for the 5xx side of the contract, and one that never
   * answers, for a client that gives up.
   */
  @RestController
  static class FailingRoute {
    @GetMapping("/api/v1/test-failures/boom")
    String boom() {
      throw new IllegalStateException("a bug, on purpose");
    }

    @GetMapping(HANG)
    Mono<String> hang() {
      return Mono.<String>never()
          .doOnSubscribe(sub -> HANG_STARTED.countDown())
          .doOnCancel(HANG_CANCELLED::countDown);
    }
  }

  @Test
  void everyQueryOfEveryAlertAndDashboardReadsSeriesTheApiExports() throws Exception {
    Traffic traffic = new Traffic();
    traffic.drive();
    String scrape = scrape(null);
    // Kept for whoever reads a failure: what the API exported.
    Files.writeString(Path.of("target/observability-scrape.txt"), scrape);
    Map<String, Set<String>> exported = series(scrape);

    // The traffic's own marks, each in the series it must land in.
    assertThat(scrape)
        .contains(
            "http_errors_total{error_type=\"internal\",method=\"GET\","
                + "route=\"/api/v1/test-failures/boom\",status_code=\"500\"}",
            "http_errors_total{error_type=\"not-found\",method=\"GET\",route=\"UNMATCHED\","
                + "status_code=\"404\"}",
            "database_query_duration_seconds_count{collection=\"merchants\","
                + "operation=\"insert\",status=\"error\"}",
            "kaleem_revenue_total{currency=\"SAR\"} 10.0",
            "kaleem_orders{status=\"PAID\"} 1.0")
        .doesNotContain("mongodb_driver_", "http_server_requests_");
    assertThat(scrape).containsPattern("mongodb_connections\\{state=\"(active|idle)\"\\} [1-9]");

    List<String> queries = queries();
    Map<String, Set<String>> needed = PromQlSelectors.merged(queries);
    assertThat(needed)
        .as("queries were found")
        .containsKeys(
            MetricNames.bucket(MetricNames.HTTP_REQUEST_DURATION), MetricNames.HTTP_ERRORS);

    for (String pending : PENDING) {
      assertThat(exported)
          .as(
              "%s is exported now: remove it from ObservabilityContractTest.PENDING so its"
                  + " queries are proven",
              pending)
          .doesNotContainKey(pending);
    }
    Map<String, String> missing = new TreeMap<>();
    needed.forEach(
        (metric, labels) -> {
          if (PENDING.contains(metric)) {
            return;
          }
          Set<String> have = exported.get(metric);
          if (have == null) {
            missing.put(metric, "series not exported");
            return;
          }
          Set<String> absent = new TreeSet<>(labels);
          absent.removeAll(TARGET_LABELS);
          absent.removeAll(have);
          if (!absent.isEmpty()) {
            missing.put(metric, "labels not exported: " + absent + " (has " + have + ")");
          }
        });
    assertThat(missing).as("series and labels read by alerts and dashboards").isEmpty();

    // Every signal and panel query has data in a real Prometheus scraping this API.
    try (PrometheusServer prometheus = new PrometheusServer("127.0.0.1:" + metricsServer.port())) {
      // Rates need two scrapes that saw the counters move: traffic between scrapes.
      for (int round = 0; round < 3; round++) {
        awaitScrapes(prometheus, prometheus.scrapes() + 2);
        traffic.drive();
        // Enough requests for a rollout measurement (its minimum sample count, asserted below).
        for (int i = 0; i < 25; i++) {
          http.get().uri("/api/v1/plans").exchange().expectStatus().isOk();
        }
      }
      awaitScrapes(prometheus, prometheus.scrapes() + 2);
      Map<String, String> empty = new LinkedHashMap<>();
      for (String q : evaluable(queries)) {
        String answer = prometheus.query(grafana(q));
        JsonNode result = new ObjectMapper().readTree(answer).path("data").path("result");
        if (!result.isArray() || result.isEmpty()) {
          empty.put(q, answer);
        }
      }
      assertThat(empty).as("queries that returned no data").isEmpty();

      // The operator's rollout analysis, its very query texts, for this tenant's revision: each
      // must answer a number (the operator takes an empty answer or NaN as "no data"), and the
      // request count must reach the minimum a measurement needs.
      KaleemTenantSpec.Analysis defaults = new KaleemTenantSpec.Analysis();
      String sel =
          AnalysisQueries.selector(
              PrometheusServer.NAMESPACE, PrometheusServer.TENANT, PrometheusServer.REVISION);
      Map<String, Double> analysis = new LinkedHashMap<>();
      for (String q : AnalysisQueries.all(sel, defaults.window)) {
        analysis.put(q, value(prometheus.query(q)));
      }
      assertThat(analysis.values())
          .as("rollout analysis answers: %s", analysis)
          .allSatisfy(v -> assertThat(v).isNotNull().isFinite());
      assertThat(analysis.get(AnalysisQueries.requests(sel, defaults.window)))
          .as("requests in the analysis window")
          .isGreaterThanOrEqualTo(defaults.minSamples.doubleValue());
    }
  }

  /** The first sample's value of an instant query's answer, or null when there is none. */
  private static Double value(String answer) {
    JsonNode result = new ObjectMapper().readTree(answer).path("data").path("result");
    if (!result.isArray() || result.isEmpty()) {
      return null;
    }
    return Double.parseDouble(result.get(0).path("value").path(1).asString());
  }

  @Test
  void openMetricsScrapesCarryTheTraceOfTheRequestAsExemplarWhenOneIsSampled() throws Exception {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String spanId = "00f067aa0ba902b7";
    Span sampled =
        Span.wrap(
            SpanContext.create(traceId, spanId, TraceFlags.getSampled(), TraceState.getDefault()));
    // The request ends on another thread (a timer), as a real one ends on whatever thread
    // answered: the filter must carry the trace there itself.
    Scope scope = sampled.makeCurrent();
    try {
      answer(299);
    } finally {
      scope.close();
    }
    answer(298); // no trace at all

    String om = scrape("application/openmetrics-text");
    List<String> traced = lines(om, "status_code=\"299\"");
    List<String> untraced = lines(om, "status_code=\"298\"");
    assertThat(traced).isNotEmpty();
    assertThat(traced)
        .filteredOn(l -> l.startsWith(MetricNames.bucket(MetricNames.HTTP_REQUEST_DURATION)))
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("# {")
                    .contains("trace_id=\"" + traceId + "\"")
                    .contains("span_id=\"" + spanId + "\""));
    assertThat(untraced).isNotEmpty().noneMatch(l -> l.contains("#"));
    // Only where OpenMetrics allows them (buckets, counter totals): older Prometheus servers
    // reject a whole scrape with an exemplar on a histogram's _count.
    assertThat(om.lines())
        .filteredOn(l -> l.contains("# {"))
        .allMatch(l -> l.contains("_bucket{") || l.contains("_total{"));
    // The Prometheus text format has no exemplars; the same registry serves it unharmed.
    assertThat(scrape(null)).contains("status_code=\"299\"").doesNotContain("# {");
  }

  /** One request through the HTTP metrics filter, answered with {@code status} from a timer. */
  private void answer(int status) {
    MockServerWebExchange exchange =
        MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/exemplar-proof"));
    httpMetrics
        .filter(
            exchange,
            ex ->
                Mono.delay(Duration.ofMillis(1))
                    .doOnNext(t -> ex.getResponse().setStatusCode(HttpStatusCode.valueOf(status)))
                    .then())
        .block(Duration.ofSeconds(10));
  }

  private static List<String> lines(String exposition, String contains) {
    return exposition.lines().filter(l -> !l.startsWith("#") && l.contains(contains)).toList();
  }

  @Test
  void aClientThatDisconnectsMidRequestIsCountedOnceWithBoundedLabels() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET "
                  + HANG
                  + "?junk="
                  + "x".repeat(200)
                  + " HTTP/1.1\r\nHost: localhost\r\n"
                  + "Authorization: "
                  + tokens.admin().bearer()
                  + "\r\n\r\n")
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.flush();
      assertThat(HANG_STARTED.await(60, TimeUnit.SECONDS))
          .as("the request is in its handler")
          .isTrue();
      // The handler never answers: the client goes away before any byte came back.
    }
    assertThat(HANG_CANCELLED.await(60, TimeUnit.SECONDS))
        .as("the server cancels the request of a client that went away")
        .isTrue();
    // The filter records right after the cancellation, on the same thread; wait for it.
    Instant until = Instant.now().plusSeconds(30);
    // (The counter exists a moment before it counts: poll its count, not its presence.)
    while (registry.find("http.requests").tag(MetricNames.LABEL_ROUTE, HANG).counters().stream()
            .mapToDouble(Counter::count)
            .sum()
        < 1) {
      assertThat(Instant.now()).as("the abandoned request is counted").isBefore(until);
      Thread.sleep(50);
    }
    List<Counter> counted =
        List.copyOf(registry.find("http.requests").tag(MetricNames.LABEL_ROUTE, HANG).counters());
    assertThat(counted).hasSize(1);
    assertThat(counted.get(0).getId().getTag(MetricNames.LABEL_STATUS_CODE))
        .isEqualTo(String.valueOf(HttpMetricsFilter.CLIENT_CLOSED));
    assertThat(counted.get(0).getId().getTag(MetricNames.LABEL_METHOD)).isEqualTo("GET");
    assertThat(counted.get(0).count()).isEqualTo(1.0);
    assertThat(registry.find("http.errors").tag(MetricNames.LABEL_ROUTE, HANG).counters())
        .as("nothing was answered: not an error")
        .isEmpty();
    assertThat(scrape(null))
        .contains(
            "http_requests_total{method=\"GET\",route=\"" + HANG + "\",status_code=\"499\"} 1.0");
  }

  @Test
  void managementPortServesOpenMetricsOnRequestAndNothingElse() throws Exception {
    String om = scrape("application/openmetrics-text");
    assertThat(om).contains("# EOF");
    HttpResponse<String> other = get("/api/health", null);
    assertThat(other.statusCode()).isEqualTo(404);
    // The public port does not serve metrics, with or without a token.
    http.get().uri("/metrics").exchange().expectStatus().isNotFound();
    http.get().uri("/api/prometheus").exchange().expectStatus().isNotFound();
  }

  /** Queries whose series are all exported now (none of {@link #PENDING}). */
  static List<String> evaluable(List<String> queries) {
    return queries.stream()
        .filter(q -> PromQlSelectors.of(q).stream().noneMatch(s -> PENDING.contains(s.metric())))
        .toList();
  }

  /** Alert signals (every tenant and one tenant's scope) and every dashboard panel query. */
  static List<String> queries() throws IOException {
    List<String> out = new ArrayList<>();
    for (AlertRules.Scope scope :
        List.of(
            AlertRules.Scope.allTenants(),
            AlertRules.Scope.tenant(PrometheusServer.NAMESPACE, PrometheusServer.TENANT))) {
      for (AlertRules.Alert a : AlertRules.alerts(scope, AlertRules.Thresholds.defaults())) {
        out.add(a.signal());
      }
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(DASHBOARDS)) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).as("dashboards in %s", DASHBOARDS).hasSizeGreaterThanOrEqualTo(5);
    ObjectMapper json = new ObjectMapper();
    for (Path f : files) {
      collectTargets(json.readTree(f.toFile()), out);
    }
    return out;
  }

  private static void collectTargets(JsonNode node, List<String> out) {
    if (node.isObject()) {
      JsonNode expr = node.get("expr");
      if (expr != null && expr.isString() && node.has("refId")) {
        out.add(expr.asString());
      }
      node.forEach(child -> collectTargets(child, out));
    } else if (node.isArray()) {
      node.forEach(child -> collectTargets(child, out));
    }
  }

  /** A Grafana query with its variables as a dashboard viewer of this tenant would set them. */
  static String grafana(String q) {
    return q.replace("$__rate_interval", "1m")
        .replace("$__interval", "15s")
        .replace("$__range", "5m")
        .replace("$namespace", PrometheusServer.NAMESPACE)
        .replace("$tenant", PrometheusServer.TENANT)
        .replace("$instance", ".*");
  }

  private void awaitScrapes(PrometheusServer p, int atLeast) throws Exception {
    Instant until = Instant.now().plusSeconds(60);
    while (p.scrapes() < atLeast) {
      assertThat(Instant.now()).as("Prometheus scrapes the API").isBefore(until);
      Thread.sleep(200);
    }
  }

  /** Metric name (as sampled) to the label names seen on it. */
  static Map<String, Set<String>> series(String exposition) {
    Map<String, Set<String>> out = new TreeMap<>();
    Pattern line = Pattern.compile("^([A-Za-z_:][A-Za-z0-9_:]*)(\\{([^}]*)\\})?\\s");
    Pattern label = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=\"");
    for (String l : exposition.split("\n")) {
      if (l.startsWith("#") || l.isBlank()) {
        continue;
      }
      Matcher m = line.matcher(l);
      if (!m.find()) {
        continue;
      }
      Set<String> labels = out.computeIfAbsent(m.group(1), k -> new TreeSet<>());
      if (m.group(3) != null) {
        Matcher lm = label.matcher(m.group(3));
        while (lm.find()) {
          labels.add(lm.group(1));
        }
      }
    }
    return out;
  }

  String scrape(String accept) throws Exception {
    HttpResponse<String> r = get("/metrics", accept);
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  HttpResponse<String> get(String path, String accept) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsServer.port() + path))
            .timeout(Duration.ofSeconds(10));
    if (accept != null) {
      b.header("Accept", accept);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** One round of every kind of request the contract needs. */
  final class Traffic {
    final Fixtures fixtures = new Fixtures(http, mongo);
    final CommerceFixtures commerce = new CommerceFixtures(http, mongo);

    @SuppressWarnings("unchecked")
    void drive() {
      String merchant = fixtures.merchant();
      Map<String, Object> product = fixtures.product(merchant, "SKU-" + merchant, "10.00", 50);
      String customer = commerce.customer("Proof Customer");
      Map<String, Object> order = commerce.order(merchant, customer, (String) product.get("id"), 1);
      http.post()
          .uri("/api/v1/merchants/{m}/orders/{o}/status", merchant, order.get("id"))
          .contentType(MediaType.APPLICATION_JSON)
          .bodyValue(Map.of("status", "PAID"))
          .exchange()
          .expectStatus()
          .isOk();
      for (int i = 0; i < 5; i++) {
        http.get().uri("/api/v1/plans").exchange().expectStatus().isOk();
        http.get().uri("/api/v1/merchants/{m}/products", merchant).exchange().expectStatus().isOk();
      }
      http.get().uri("/api/v1/no-such-route").exchange().expectStatus().isNotFound();
      http.get()
          .uri("/api/v1/plans")
          .header(Tokens.ANONYMOUS, "true")
          .exchange()
          .expectStatus()
          .isUnauthorized();
      http.post()
          .uri("/api/v1/merchants")
          .contentType(MediaType.APPLICATION_JSON)
          .bodyValue(Map.of("slug", "?"))
          .exchange()
          .expectStatus()
          .isBadRequest();
      http.get().uri("/api/v1/test-failures/boom").exchange().expectStatus().is5xxServerError();
      // A database write error: the merchant's slug is unique.
      Map<String, Object> existing = fixtures.getJson("/api/v1/merchants/" + merchant);
      http.post()
          .uri("/api/v1/merchants")
          .contentType(MediaType.APPLICATION_JSON)
          .bodyValue(
              Map.of(
                  "name", existing.get("name"),
                  "slug", existing.get("slug"),
                  "contactEmail", "dup@example.com",
                  "country", "SA",
                  "currency", "SAR"))
          .exchange()
          .expectStatus()
          .isEqualTo(409);
    }
  }
}
