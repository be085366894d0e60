package io.kaleem.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * values.schema.json refuses what the chart cannot render correctly, before anything reaches the
 * cluster: unknown keys at any depth, wrong types, out-of-range numbers; and its tenant-spec part
 * is the CRD's schema.
 */
class SchemaTest {

  private static final Path SCHEMA = Chart.DIR.resolve("values.schema.json");
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest(name = "{0}={1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "operator.replica        | 2                 | additional properties 'replica' not allowed",
        "operator.replicas       | -1                | minimum",
        "operator.replicas       | two               | got string, want integer",
        "operator.image.pullPolicy | Sometimes       | value must be one of",
        "operator.settings.resync  | 10m             | does not match pattern",
        "metrics.serviceMonitor.mode | maybe         | value must be one of",
        "networkPolicy.egress    | x                 | additional properties 'egress' not allowed",
        "dev.mongodb.enabled     | yes-please        | got string, want boolean",
        "tenantDefaults.spec.plann | starter         | additional properties 'plann' not allowed",
        "tenantDefaults.spec.api.replicas | 1000     | maximum",
        "tenantDefaults.spec.deletionPolicy | Purge  | value must be one of",
        "tests.sampleTenant.spec.database.unmanagedIndexes | Keep | value must be one of",
      })
  void refusesWithASchemaError(String key, String value, String expected) {
    UnaryOperator<TemplateCommand> bad =
        value.equals("-1") || value.equals("1000")
            ? t -> t.set(key, Integer.parseInt(value))
            : t -> t.set(key, value);
    assertThatThrownBy(() -> Chart.template(bad))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(expected);
  }

  @Test
  void refusesUnknownKeysInsideATenant() {
    assertThatThrownBy(
            () ->
                Chart.template(
                    t ->
                        t.withValuesFile(Chart.DIR.resolve("values-production.yaml"))
                            .set("tenants[0].ingress.hsts.maxage", 5)))
        .hasMessageContaining("additional properties 'maxage' not allowed");
    assertThatThrownBy(
            () ->
                Chart.template(
                    t ->
                        t.withValuesFile(Chart.DIR.resolve("values-production.yaml"))
                            .set("tenants[0].spec.api.resources.requests.gpu", "1")))
        .hasMessageContaining("additional properties 'gpu' not allowed");
  }

  @Test
  void topLevelRefusesUnknownKeys() throws IOException {
    JsonNode schema = JSON.readTree(SCHEMA.toFile());
    assertThat(schema.path("additionalProperties").asBoolean(true)).isFalse();
    assertThatThrownBy(() -> Chart.template(t -> t.set("replicaCount", 2)))
        .hasMessageContaining("additional properties 'replicaCount' not allowed");
  }

  /**
   * Every object the schema describes field by field refuses other fields. The only open objects
   * are string maps (labels, annotations) and Kubernetes structures passed through as they are
   * (affinity, tolerations, selector expressions), which the API server validates.
   */
  @Test
  void everyDescribedObjectIsClosed() throws IOException {
    List<String> open = new ArrayList<>();
    walk(JSON.readTree(SCHEMA.toFile()), "#", open);
    assertThat(open).isEmpty();
  }

  private static void walk(JsonNode node, String path, List<String> open) {
    if (node.isObject()) {
      if (node.has("properties") && !node.path("additionalProperties").equals(BooleanNode.FALSE)) {
        open.add(path);
      }
      // An `if` is a condition over a closed object, not a description of one.
      node.properties().stream()
          .filter(e -> !e.getKey().equals("if"))
          .forEach(e -> walk(e.getValue(), path + "/" + e.getKey(), open));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), path + "/" + i, open);
      }
    }
  }

  /**
   * definitions.tenantSpec is generated from the CRD. Run with -Dkaleem.helm.writeSchema=true
   * (`make helm-sync`) to rewrite it after the CRD changed.
   */
  @Test
  void tenantSpecSchemaIsTheCrdsSchema() throws IOException {
    ObjectNode schema = (ObjectNode) JSON.readTree(SCHEMA.toFile());
    // Re-read, so that numbers compare by value whatever node type built them.
    JsonNode generated =
        JSON.readTree(
            JSON.writeValueAsString(
                TenantSpecSchema.fromCrd(
                    Chart.REPO.resolve("crds/kaleemtenants.kaleem.io-v1.yml"))));
    if (Boolean.getBoolean("kaleem.helm.writeSchema")) {
      ((ObjectNode) schema.get("definitions")).set("tenantSpec", generated);
      DefaultPrettyPrinter pp =
          new DefaultPrettyPrinter()
              .withSeparators(
                  Separators.createDefaultInstance()
                      .withObjectFieldValueSpacing(Separators.Spacing.AFTER));
      pp.indentObjectsWith(new DefaultIndenter("  ", "\n"));
      pp.indentArraysWith(new DefaultIndenter("  ", "\n"));
      Files.writeString(SCHEMA, JSON.writer(pp).writeValueAsString(schema) + "\n");
    }
    assertThat(schema.at("/definitions/tenantSpec"))
        .as("values.schema.json#/definitions/tenantSpec is stale: run `make helm-sync`")
        .isEqualTo(generated);
  }
}
