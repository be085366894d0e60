package io.kaleem.operator;

import static io.kaleem.operator.OperatorHarness.NS;
import static io.kaleem.operator.OperatorHarness.condition;
import static io.kaleem.operator.OperatorHarness.phase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kaleem.crds.v1alpha1.KaleemTenantStatus.Phase;
import io.kaleem.operator.resources.MonitoringResources;
import io.kaleem.operator.status.Conditions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PrometheusRuleTest {

  static OperatorHarness h;

  /**
   * Long resync and index resync: once the tenant is Ready nothing reconciles it on a timer, so a
   * repaired hand edit proves the informer's event did it.
   */
  @BeforeAll
  static void up() throws Exception {
    OperatorSettings s = OperatorHarness.testSettings();
    h =
        OperatorHarness.start(
            new OperatorSettings(
                s.namespaces(),
                s.healthPort(),
                s.leaderElectionNamespace(),
                s.leaseName(),
                Duration.ofMinutes(10),
                s.mongoTimeout(),
                s.backoffBase(),
                s.backoffMax(),
                s.rolloutPoll(),
                s.crdCheckInterval(),
                Duration.ofMinutes(10),
                s.concurrentReconciles()),
            true);
  }

  @AfterAll
  static void down() {
    h.close();
  }

  @Test
  void followsTheCrdsAsTheyComeAndGoAndRepairsHandEdits() throws Exception {
    h.createMongoSecret("mon-mongo", h.mongoUri);
    h.create("mon", OperatorHarness.spec("mon"));
    // No prometheus-operator: said in the condition, nothing fails, the workload goes on.
    h.await("mon", condition(Conditions.MONITORING_READY, "False", "CrdNotInstalled"));
    assertThat(h.hasEvent("mon", "CrdNotInstalled")).isTrue();
    assertThat(Conditions.find(h.get("mon").getStatus().conditions, Conditions.MONITORING_READY))
        .get()
        .satisfies(c -> assertThat(c.getMessage()).contains(MonitoringResources.CRD));
    h.await("mon", t -> h.deployment("mon") != null);
    h.markAvailable("mon");
    h.await("mon", phase(Phase.Ready));

    // Installed while the operator runs: picked up without a restart.
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

    // A hand edit of the rule is reverted: the informer's event reconciles the tenant.
    Object applied = rule("mon").getAdditionalProperties().get("spec");
    GenericKubernetesResource edited =
        rules().withName("mon-slo").edit(r -> withFirstExpr(r, "vector(0)"));
    assertThat(edited.getAdditionalProperties().get("spec")).isNotEqualTo(applied);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> applied.equals(rule("mon").getAdditionalProperties().get("spec")));

    // The CRDs removed: the condition says so, the informers are stopped, no error, no restart.
    h.removeMonitoringCrds();
    h.await("mon", condition(Conditions.MONITORING_READY, "False", "CrdRemoved"));
    assertThat(h.events("mon")).noneMatch(e -> "ReconcileError".equals(e.getReason()));
    assertThat(h.get("mon").getStatus().phase).isEqualTo(Phase.Ready);
    assertThat(h.unhealthyEventSources()).isZero();

    // And installed again: a fresh informer, the objects written again.
    h.installPodMonitorCrd();
    h.installPrometheusRuleCrd();
    h.await("mon", condition(Conditions.MONITORING_READY, "True", "Applied"));
    assertThat(rule("mon").getAdditionalProperties().get("spec")).isEqualTo(applied);
    assertThat(h.events("mon")).noneMatch(e -> "ReconcileError".equals(e.getReason()));

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

  private static io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
          GenericKubernetesResource,
          io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
          io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>>
      rules() {
    return h.client
        .genericKubernetesResources("monitoring.coreos.com/v1", "PrometheusRule")
        .inNamespace(NS);
  }

  private static GenericKubernetesResource rule(String tenant) {
    return rules().withName(tenant + "-slo").get();
  }

  @SuppressWarnings("unchecked")
  private static GenericKubernetesResource withFirstExpr(GenericKubernetesResource r, String e) {
    Map<String, Object> spec = (Map<String, Object>) r.getAdditionalProperties().get("spec");
    List<Map<String, Object>> groups = (List<Map<String, Object>>) spec.get("groups");
    List<Map<String, Object>> rules = (List<Map<String, Object>>) groups.get(0).get("rules");
    rules.get(0).put("expr", e);
    return r;
  }
}
