package io.kaleem.api.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class PromQlSelectorsTest {

  @Test
  void findsMetricsAndTheLabelsTheirMatchersUse() {
    assertThat(
            PromQlSelectors.of(
                "histogram_quantile(0.95, sum by (namespace, le) (rate(http_request_duration_seconds_bucket{tenant=~\"$tenant\",route!=\"x{y}\"}[$__rate_interval]))) > 0.5"))
        .containsExactly(
            new PromQlSelectors.Selector(
                "http_request_duration_seconds_bucket", Set.of("tenant", "route")));
    assertThat(
            PromQlSelectors.of(
                "sum(rate(a_total[5m])) / on (x) group_left sum(b) or vector(0) and c offset 1m"))
        .extracting(PromQlSelectors.Selector::metric)
        .containsExactly("a_total", "b", "c");
  }
}
