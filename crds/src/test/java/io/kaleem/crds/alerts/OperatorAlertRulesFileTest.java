package io.kaleem.crds.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code observability/alerts/operator-alerts.yml} is {@link OperatorAlertRules}, byte for byte
 * ({@code make alerts} rewrites it); promtool accepts it, and its unit tests (in {@code
 * operator-alerts.test.yml}, run with the others by {@link AlertRulesFileTest}) exercise every
 * alert.
 */
class OperatorAlertRulesFileTest {

  static final Path FILE = AlertRulesFileTest.DIR.resolve("operator-alerts.yml");

  static String render() {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setWidth(400);
    options.setIndicatorIndent(2);
    options.setIndentWithIndicator(true);
    return "# Generated from io.kaleem.crds.alerts.OperatorAlertRules (crds): do not edit; run"
        + " `make alerts`.\n"
        + new Yaml(options).dump(Map.of("groups", OperatorAlertRules.groups()));
  }

  @Test
  void committedFileIsTheGeneratedOne() throws IOException {
    String generated = render();
    if (Boolean.getBoolean("kaleem.alerts.write")) {
      Files.writeString(FILE, generated);
    }
    assertThat(FILE).as("run `make alerts` to create it").exists();
    assertThat(Files.readString(FILE))
        .as("observability/alerts/operator-alerts.yml is stale: run `make alerts` and commit it")
        .isEqualTo(generated);
  }

  @Test
  void promtoolAcceptsTheRulesAndEveryAlertHasAUnitTest() throws Exception {
    String out =
        AlertRulesFileTest.run(
            AlertRulesFileTest.binary("promtool"), "check", "rules", FILE.toString());
    assertThat(out).contains("SUCCESS: " + OperatorAlertRules.alerts().size() + " rules found");
    String tests = Files.readString(AlertRulesFileTest.DIR.resolve("operator-alerts.test.yml"));
    for (AlertRules.Alert a : OperatorAlertRules.alerts()) {
      assertThat(tests).as("a promtool test for %s", a.name()).contains("alertname: " + a.name());
    }
  }
}
