package io.kaleem.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code helm lint --strict} with the chart's defaults and with each environment's values. */
class ChartLintTest {

  @ParameterizedTest(name = "helm lint --strict -f {0}")
  @NullSource
  @ValueSource(strings = {"values-dev.yaml", "values-staging.yaml", "values-production.yaml"})
  void lintsCleanly(String valuesFile, @TempDir Path scratch) throws IOException {
    Path values = valuesFile == null ? null : Chart.DIR.resolve(valuesFile);
    LintResult r = Chart.lint(values, scratch);
    assertThat(r.isFailed()).as(String.join("\n", r.getMessages())).isFalse();
    // --strict fails on warnings; INFO (no icon: the project publishes none) is advice only.
    assertThat(r.getMessages())
        .as("warnings and errors")
        .noneMatch(m -> m.startsWith("[WARNING]") || m.startsWith("[ERROR]"));
  }

  @ParameterizedTest(name = "lint sees the schema: {0}")
  @ValueSource(strings = {"operator:\n  replicas: -1\n", "operator:\n  replica: 2\n"})
  void lintRefusesValuesOutsideTheSchema(String override, @TempDir Path scratch)
      throws IOException {
    Path values = Files.writeString(scratch.resolve("bad.yaml"), override);
    LintResult r = Chart.lint(values, Files.createDirectories(scratch.resolve("chart")));
    assertThat(r.isFailed()).isTrue();
    assertThat(String.join("\n", r.getMessages())).contains("schema");
  }
}
