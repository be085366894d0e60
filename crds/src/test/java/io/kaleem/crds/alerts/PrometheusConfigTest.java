package io.kaleem.crds.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.crds.metrics.MetricNames;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus configurations under {@code observability/prometheus} are valid for {@code
 * promtool} and add the target labels every rule and dashboard selects on.
 */
class PrometheusConfigTest {

  static final Path DIR = Path.of("../observability/prometheus");

  @Test
  void localConfigIsValidAndLoadsTheAlertRules() throws Exception {
    String out =
        AlertRulesFileTest.run(
            AlertRulesFileTest.binary("promtool"),
            "check",
            "config",
            DIR.resolve("prometheus-local.yml").toString());
    assertThat(out).contains("SUCCESS: 1 rule files found");
    assertThat(Files.readString(DIR.resolve("prometheus-local.yml")))
        .contains(MetricNames.LABEL_NAMESPACE + ": local", MetricNames.LABEL_TENANT + ": local")
        .contains("'localhost:" + MetricNames.SCRAPE_PORT + "'");
  }

  /**
   * Debian's promtool is built without Kubernetes service discovery, so the cluster file is checked
   * with its discovery blocks swapped for empty static ones: everything else (relabelling regexes,
   * labels, rule globs) is promtool's verdict.
   */
  @Test
  void clusterConfigIsValidAndRelabelsNamespaceTenantAndRevision() throws Exception {
    String config = Files.readString(DIR.resolve("prometheus.yml"));
    assertThat(config)
        .contains(
            "target_label: " + MetricNames.LABEL_NAMESPACE,
            "target_label: " + MetricNames.LABEL_TENANT,
            "target_label: revision",
            "regex: " + MetricNames.SCRAPE_PORT_NAME);
    Path copy = Files.createTempFile("prometheus", ".yml");
    Files.writeString(
        copy,
        config.replace(
            "kubernetes_sd_configs:\n      - role: pod", "static_configs:\n      - targets: []"));
    String out =
        AlertRulesFileTest.run(
            AlertRulesFileTest.binary("promtool"), "check", "config", copy.toString());
    assertThat(out).contains("is valid prometheus config file syntax");
  }
}
