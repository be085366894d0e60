package io.kaleem.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.kaleem.operator.HealthServer;
import io.kaleem.operator.OperatorSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The operator's Deployment, PDB, metrics Service and ServiceMonitor, against the operator. */
class OperatorDeploymentTest {

  private static final String NAME = "kaleem-operator";

  @Test
  void twoReplicasWithLeaderElectionAndTheChartsImage() {
    List<HasMetadata> objects = Chart.objects(Chart.template((String) null));
    Deployment d = Chart.one(objects, Deployment.class, NAME);
    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .isZero();
    Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("ghcr.io/kaleem/kaleem-operator:" + Chart.appVersion());
    EnvVar ns = env(c, "LEADER_ELECTION_NAMESPACE");
    assertThat(ns.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
    assertThat(d.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo(NAME);

    PodDisruptionBudget pdb = Chart.one(objects, PodDisruptionBudget.class, NAME);
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getSelector().getMatchLabels())
        .isEqualTo(d.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void theRenderedEnvironmentIsWhatOperatorSettingsReads() {
    List<HasMetadata> objects =
        Chart.objects(
            Chart.template(
                t ->
                    t.set("operator.watchNamespaces[0]", "shops")
                        .set("operator.watchNamespaces[1]", "market")
                        .set("operator.settings.resync", "PT7M")
                        .set("operator.leaderElection.leaseName", "kaleem-lead")));
    Container c =
        Chart.one(objects, Deployment.class, NAME)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    Map<String, String> env = new HashMap<>();
    for (EnvVar e : c.getEnv()) {
      if (e.getValueFrom() != null) {
        // What the kubelet resolves a downward-API reference to in this release.
        assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
        env.put(e.getName(), Chart.NAMESPACE);
      } else {
        env.put(e.getName(), e.getValue());
      }
    }
    OperatorSettings s = OperatorSettings.fromEnvironment(env);
    assertThat(s.namespaces()).isEqualTo(Set.of("shops", "market"));
    assertThat(s.leaderElectionNamespace()).isEqualTo(Chart.NAMESPACE);
    assertThat(s.leaseName()).isEqualTo("kaleem-lead");
    assertThat(s.resync()).isEqualTo(Duration.ofMinutes(7));
    assertThat(s.healthPort()).isEqualTo(port(c, "health").getContainerPort());
  }

  /** The probes' paths are served by the operator's own HealthServer, with the meaning assumed. */
  @Test
  void probesHitTheOperatorsHealthEndpoints() throws Exception {
    Container c =
        Chart.one(Chart.objects(Chart.template((String) null)), Deployment.class, NAME)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    for (Probe p : List.of(c.getLivenessProbe(), c.getReadinessProbe(), c.getStartupProbe())) {
      assertThat(p.getHttpGet().getPort().getStrVal()).isEqualTo("health");
    }
    AtomicBoolean started = new AtomicBoolean(false);
    AtomicBoolean live = new AtomicBoolean(true);
    try (HealthServer server =
        new HealthServer(
            0, live::get, started::get, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
      HttpClient http = HttpClient.newHttpClient();
      // Before the operator has started: alive (no restart loop), not ready (no traffic).
      assertThat(get(http, server, c.getStartupProbe())).isEqualTo(200);
      assertThat(get(http, server, c.getLivenessProbe())).isEqualTo(200);
      assertThat(get(http, server, c.getReadinessProbe())).isEqualTo(503);
      started.set(true);
      assertThat(get(http, server, c.getReadinessProbe())).isEqualTo(200);
      // Informers unhealthy past the grace (Liveness): the kubelet restarts the operator.
      live.set(false);
      assertThat(get(http, server, c.getLivenessProbe())).isEqualTo(503);
    }
  }

  @Test
  void metricsServiceAlwaysAndServiceMonitorOnlyWhereItsApiIsKnown() {
    List<HasMetadata> offline = Chart.objects(Chart.template((String) null));
    Service svc = Chart.one(offline, Service.class, NAME + "-metrics");
    assertThat(svc.getSpec().getPorts())
        .singleElement()
        .satisfies(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo("health"));
    // `helm template` without the cluster's API list: mode auto renders no ServiceMonitor.
    assertThat(Chart.all(offline, GenericKubernetesResource.class))
        .noneMatch(o -> o.getKind().equals("ServiceMonitor"));

    List<HasMetadata> forced =
        Chart.objects(Chart.template(t -> t.set("metrics.serviceMonitor.mode", "always")));
    GenericKubernetesResource sm =
        Chart.all(forced, GenericKubernetesResource.class).stream()
            .filter(o -> o.getKind().equals("ServiceMonitor"))
            .findFirst()
            .orElseThrow();
    assertThat(sm.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) sm.getAdditionalProperties().get("spec");
    @SuppressWarnings("unchecked")
    Map<String, Object> endpoint = ((List<Map<String, Object>>) spec.get("endpoints")).get(0);
    assertThat(endpoint).containsEntry("port", "metrics").containsEntry("path", "/metrics");
    @SuppressWarnings("unchecked")
    Map<String, String> selector =
        (Map<String, String>) ((Map<String, Object>) spec.get("selector")).get("matchLabels");
    assertThat(svc.getMetadata().getLabels()).containsAllEntriesOf(selector);
  }

  @Test
  void manyReplicasWithoutLeaderElectionIsRefused() {
    assertThatThrownBy(() -> Chart.template(t -> t.set("operator.leaderElection.enabled", "false")))
        .hasMessageContaining("operator.replicas > 1 needs operator.leaderElection.enabled");
    // One replica without election is a valid (dev) setup.
    Chart.template(
        t -> t.set("operator.leaderElection.enabled", "false").set("operator.replicas", "1"));
  }

  private static int get(HttpClient http, HealthServer server, Probe p) throws Exception {
    return http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + p.getHttpGet().getPath()))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static EnvVar env(Container c, String name) {
    return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow();
  }

  private static ContainerPort port(Container c, String name) {
    return c.getPorts().stream().filter(p -> p.getName().equals(name)).findFirst().orElseThrow();
  }
}
