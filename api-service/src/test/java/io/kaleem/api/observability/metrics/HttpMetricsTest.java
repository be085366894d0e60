package io.kaleem.api.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.Eventually;
import io.kaleem.api.support.Tokens;
import io.kaleem.crds.metrics.MetricNames;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The HTTP series' labels: route templates (also for requests refused before any handler ran),
 * problem type slugs, bounded methods, and a bounded number of series whatever paths clients send.
 */
@ApiTest
class HttpMetricsTest {

  @Autowired WebTestClient http;
  @Autowired MeterRegistry registry;

  @Test
  void refusalsBeforeDispatchAreCountedOnTheRouteTheyAimedAt() {
    String merchant = "0123456789abcdef01234567";
    http.get()
        .uri("/api/v1/merchants/{m}/orders", merchant)
        .header(Tokens.ANONYMOUS, "1")
        .exchange()
        .expectStatus()
        .isUnauthorized();
    Eventually.assertThat(
        () ->
            assertThat(
                    registry
                        .get("http.errors")
                        .tag(MetricNames.LABEL_ROUTE, "/api/v1/merchants/{merchantId}/orders")
                        .tag(MetricNames.LABEL_STATUS_CODE, "401")
                        .tag(MetricNames.LABEL_ERROR_TYPE, "unauthorized")
                        .counter()
                        .count())
                .isGreaterThanOrEqualTo(1));
  }

  @Test
  void unknownPathsAndMethodsShareOneValue() {
    http.method(HttpMethod.valueOf("BREW"))
        .uri("/coffee/pot/" + System.nanoTime())
        .exchange()
        .expectStatus()
        .is4xxClientError();
    Eventually.assertThat(
        () ->
            assertThat(
                    registry
                        .get("http.requests")
                        .tag(MetricNames.LABEL_METHOD, MetricNames.METHOD_OTHER)
                        .tag(MetricNames.LABEL_ROUTE, MetricNames.ROUTE_UNMATCHED)
                        .counters())
                .isNotEmpty());
  }

  /** 10,000 random paths (unknown, under real routes, huge, odd methods) add no series. */
  @Test
  void randomPathsAddNoSeries() {
    Random random = new Random(42);
    IntFunction<String> path =
        i ->
            switch (random.nextInt(5)) {
              case 0 -> "/" + Long.toHexString(random.nextLong()) + "/" + random.nextInt();
              case 1 -> "/api/v1/merchants/" + Long.toHexString(random.nextLong()) + "/products";
              case 2 -> "/api/v1/" + Long.toHexString(random.nextLong());
              case 3 -> "/x/" + "a".repeat(1000 + random.nextInt(2000));
              default -> "/api/v1/merchants/" + random.nextInt() + "/orders/" + random.nextInt();
            };
    String[] methods = {"GET", "POST", "DELETE", "PROPFIND"};
    // The label sets these requests can produce are few (shapes x methods x token x the status
    // each earns); a first thousand creates them, and the next ten thousand must add none.
    for (int i = 0; i < 1_000; i++) {
      send(methods[random.nextInt(methods.length)], path.apply(i), random.nextBoolean());
    }
    Set<String> before = httpSeries();
    for (int i = 0; i < 10_000; i++) {
      send(methods[random.nextInt(methods.length)], path.apply(i), random.nextBoolean());
    }
    // Every request has been answered; its series would have been created by now.
    assertThat(httpSeries()).isEqualTo(before);
  }

  private void send(String method, String path, boolean anonymous) {
    var spec = http.method(HttpMethod.valueOf(method)).uri(path);
    if (anonymous) {
      spec = spec.header(Tokens.ANONYMOUS, "1");
    }
    spec.exchange().expectBody().returnResult();
  }

  private Set<String> httpSeries() {
    Set<String> out = new TreeSet<>();
    for (Meter m : registry.getMeters()) {
      String name = m.getId().getName();
      if (name.startsWith("http.requests")
          || name.startsWith("http.errors")
          || name.startsWith("http.request.duration")) {
        out.add(name + m.getId().getTags());
      }
    }
    return out;
  }
}
