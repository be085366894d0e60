package io.kaleem.operator;

import static io.kaleem.operator.OperatorHarness.NS;
import static io.kaleem.operator.OperatorHarness.condition;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kaleem.operator.status.Conditions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PrometheusRuleTest {

  static OperatorHarness h;

  @BeforeAll
  static void up() throws Exception {
    h = OperatorHarness.start();
  }

  @AfterAll
  static void down() {
    h.close();
  }

  @Test
  void skippedWithoutTheCrdAndCreatedOnceItAppears() throws Exception {
    h.createMongoSecret("mon-mongo", h.mongoUri);
    h.create("mon", OperatorHarness.spec("mon"));
    h.await("mon", condition(Conditions.MONITORING_READY, "False", "Skipped"));
    assertThat(h.hasEvent("mon", "Skipped")).isTrue();

    h.installPodMonitorCrd();
    h.installPrometheusRuleCrd();
    h.await("mon", condition(Conditions.MONITORING_READY, "True", "Applied"));
    GenericKubernetesResource podMonitor =
        h.client
            .genericKubernetesResources("monitoring.coreos.com/v1", "PodMonitor")
            .inNamespace(NS)
            .withName("mon-api")
            .get();
    assertThat(podMonitor.getMetadata().getOwnerReferences()).hasSize(1);
    assertThat(Serialization.asYaml(podMonitor.getAdditionalProperties().get("spec")))
        .contains("port: \"metrics\"", "path: \"/metrics\"", "targetLabel: \"tenant\"");
    GenericKubernetesResource rule =
        h.client
            .genericKubernetesResources("monitoring.coreos.com/v1", "PrometheusRule")
            .inNamespace(NS)
            .withName("mon-slo")
            .get();
    assertThat(rule.getMetadata().getOwnerReferences()).hasSize(1);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) rule.getAdditionalProperties().get("spec");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> groups = (List<Map<String, Object>>) spec.get("groups");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rules = (List<Map<String, Object>>) groups.get(0).get("rules");
    assertThat(rules)
        .extracting(r -> r.get("alert"))
        .containsExactly(
            "KaleemHighP95Latency",
            "KaleemHighErrorRate",
            "KaleemLowCacheHitRate",
            "KaleemDatabaseConnectionProblems",
            "KaleemDatabaseErrors",
            "KaleemResourceExhaustion",
            "KaleemCpuSaturation",
            "KaleemFileDescriptorExhaustion");
    // The same rules as observability/alerts/api-alerts.yml, for this tenant's series only.
    assertThat(rules)
        .extracting(r -> r.get("expr").toString())
        .allSatisfy(e -> assertThat(e).contains("namespace=\"" + NS + "\",tenant=\"mon\""));
    assertThat(rules)
        .extracting(r -> r.get("annotations"))
        .allSatisfy(
            a ->
                assertThat(((Map<?, ?>) a).keySet()).asString().contains("summary", "runbook_url"));
    assertThat(rules)
        .allSatisfy(
            r ->
                assertThat(r.get("labels"))
                    .isEqualTo(
                        Map.of(
                            "severity",
                            r.get("labels") instanceof Map<?, ?> m ? m.get("severity") : "",
                            "tenant",
                            "mon")));
    assertThat(rules.get(0).get("expr").toString()).endsWith("> 0.5");
    assertThat(rules.get(1).get("for")).isEqualTo("2m");

    // The rules are valid Prometheus rules: promtool (from the prometheus package) agrees.
    Path file = Files.createTempFile("kaleem-rules", ".yml");
    Files.writeString(file, Serialization.asYaml(Map.of("groups", groups)));
    Process p =
        new ProcessBuilder(PrometheusProcess.binary("promtool"), "check", "rules", file.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("SUCCESS: 8 rules found");
  }
}
