package io.kaleem.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every dashboards/*.json of the chart becomes one ConfigMap the Grafana sidecar picks up. */
class DashboardsTest {

  @Test
  void oneLabelledConfigMapPerDashboardFile() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(Chart.DIR.resolve("dashboards"))) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    List<ConfigMap> maps =
        Chart.all(Chart.objects(Chart.template((String) null)), ConfigMap.class).stream()
            .filter(c -> "1".equals(c.getMetadata().getLabels().get("grafana_dashboard")))
            .toList();
    assertThat(maps).hasSameSizeAs(files);
    ObjectMapper json = new ObjectMapper();
    for (Path f : files) {
      String key = f.getFileName().toString();
      ConfigMap cm =
          maps.stream().filter(m -> m.getData().containsKey(key)).findFirst().orElseThrow();
      JsonNode rendered = json.readTree(cm.getData().get(key));
      assertThat(rendered).isEqualTo(json.readTree(f.toFile()));
      assertThat(rendered.path("uid").asText()).isNotBlank();
      assertThat(rendered.path("panels").size()).isPositive();
      assertThat(cm.getMetadata().getAnnotations()).containsEntry("grafana_folder", "Kaleem");
    }
  }

  @Test
  void offWhenDisabled() {
    assertThat(
            Chart.all(
                Chart.objects(Chart.template(t -> t.set("dashboards.enabled", "false"))),
                ConfigMap.class))
        .isEmpty();
  }

  /**
   * observability/grafana/dashboards is where dashboards are written and tested against the API's
   * metrics; the chart ships copies (`make helm-sync`), which must not drift.
   */
  @Test
  void observabilitysDashboardsShipUnchanged() throws IOException {
    Path source = Chart.REPO.resolve("observability/grafana/dashboards");
    if (!Files.isDirectory(source)) {
      return; // a checkout without observability/: the chart's own dashboards are all there is
    }
    try (Stream<Path> s = Files.list(source)) {
      for (Path f : s.filter(p -> p.toString().endsWith(".json")).toList()) {
        Path copy = Chart.DIR.resolve("dashboards").resolve(f.getFileName());
        assertThat(copy).as("run `make helm-sync`").exists();
        assertThat(Files.mismatch(f, copy))
            .as(copy + " differs: run `make helm-sync`")
            .isEqualTo(-1L);
      }
    }
  }
}
