package io.kaleem.crds.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code observability/alerts/api-alerts.yml} is {@link AlertRules} for every tenant with the
 * default thresholds, byte for byte ({@code make alerts} rewrites it), it is a valid rule file for
 * {@code promtool}, and the {@code promtool test rules} files beside it pass: each alert fires on a
 * breach and stays silent when the signal is healthy.
 */
class AlertRulesFileTest {

  static final Path DIR = Path.of("../observability/alerts");
  static final Path FILE = DIR.resolve("api-alerts.yml");

  static final String HEADER =
      "# Generated from io.kaleem.crds.alerts.AlertRules (crds): do not edit; run `make alerts`.\n"
          + "# The operator's per-tenant PrometheusRule is the same code with a tenant selector.\n";

  static String render() {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setWidth(400);
    options.setIndicatorIndent(2);
    options.setIndentWithIndicator(true);
    return HEADER
        + new Yaml(options)
            .dump(
                Map.of(
                    "groups",
                    AlertRules.groups(
                        AlertRules.Scope.allTenants(), AlertRules.Thresholds.defaults())));
  }

  @Test
  void committedFileIsTheGeneratedOne() throws IOException {
    String generated = render();
    if (Boolean.getBoolean("kaleem.alerts.write")) {
      Files.writeString(FILE, generated);
    }
    assertThat(FILE).as("run `make alerts` to create it").exists();
    assertThat(Files.readString(FILE))
        .as("observability/alerts/api-alerts.yml is stale: run `make alerts` and commit it")
        .isEqualTo(generated);
  }

  @Test
  void promtoolAcceptsTheRulesAndTheirUnitTestsPass() throws Exception {
    String promtool = binary("promtool");
    String check = run(promtool, "check", "rules", FILE.toString());
    int alerts =
        AlertRules.alerts(AlertRules.Scope.allTenants(), AlertRules.Thresholds.defaults()).size();
    assertThat(check).contains("SUCCESS: " + alerts + " rules found");

    List<String> tests;
    try (Stream<Path> files = Files.list(DIR)) {
      tests = files.map(Path::toString).filter(f -> f.endsWith(".test.yml")).sorted().toList();
    }
    assertThat(tests).as("promtool unit tests in observability/alerts").isNotEmpty();
    List<String> cmd = new ArrayList<>(List.of(promtool, "test", "rules"));
    cmd.addAll(tests);
    String out = run(cmd.toArray(String[]::new));
    assertThat(out).contains("SUCCESS");
  }

  /** Every alert of the file has at least one promtool test case that expects it to fire. */
  @Test
  void everyAlertIsExercisedByAUnitTest() throws IOException {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".test.yml")).toList()) {
        all.append(Files.readString(f));
      }
    }
    for (AlertRules.Alert a :
        AlertRules.alerts(AlertRules.Scope.allTenants(), AlertRules.Thresholds.defaults())) {
      assertThat(all.toString())
          .as("a promtool test for %s", a.name())
          .contains("alertname: " + a.name());
    }
  }

  static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
    return out;
  }

  static String binary(String name) {
    for (String d :
        (System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/local/bin").split(":")) {
      Path p = Path.of(d, name);
      if (!d.isEmpty() && Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new AssertionError(
        name
            + " is not installed: `apt-get install prometheus` (Debian package) provides"
            + " prometheus and promtool");
  }
}
