package io.kaleem.operator;

import static io.kaleem.operator.OperatorHarness.NS;
import static io.kaleem.operator.OperatorHarness.condition;
import static io.kaleem.operator.OperatorHarness.phase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.kaleem.crds.config.TenantConfigRenderer;
import io.kaleem.crds.indexes.IndexCatalog;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.crds.v1alpha1.KaleemTenantStatus.Phase;
import io.kaleem.operator.status.Conditions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OnboardingTest {

  static OperatorHarness h;

  @BeforeAll
  static void up() throws Exception {
    h = OperatorHarness.start();
    // prometheus-operator installed: the idle reconciles below include the monitoring
    // dependents' informers.
    h.installPodMonitorCrd();
    h.installPrometheusRuleCrd();
  }

  @AfterAll
  static void down() {
    h.close();
  }

  @Test
  void onboardingCreatesEverythingOwnedAndIndexesThenASecondReconcileWritesNothing()
      throws Exception {
    h.createMongoSecret("acme-mongo", h.mongoUri);
    KaleemTenant created = h.create("acme", OperatorHarness.spec("acme"));
    String uid = created.getMetadata().getUid();

    h.await("acme", t -> h.deployment("acme") != null);
    h.await("acme", condition(Conditions.INDEXES_READY, "True", null));
    assertThat(h.get("acme").getStatus().phase).isEqualTo(Phase.Provisioning);
    h.markAvailable("acme");
    KaleemTenant t = h.await("acme", phase(Phase.Ready));

    // Status
    assertThat(t.getStatus().observedGeneration).isEqualTo(t.getMetadata().getGeneration());
    assertThat(t.getStatus().conditions)
        .extracting(c -> c.getType() + "=" + c.getStatus())
        .contains(
            "Ready=True",
            "SpecValid=True",
            "ConfigReady=True",
            "DatabaseReady=True",
            "IndexesReady=True",
            "DeploymentAvailable=True",
            "RolloutHealthy=True",
            "MonitoringReady=True");
    assertThat(t.getStatus().indexes.managed).isEqualTo(IndexCatalog.all().size());
    assertThat(t.getStatus().indexes.created).isEqualTo(IndexCatalog.all().size());
    assertThat(t.getStatus().lastGoodRevision).isEqualTo(t.getStatus().currentRevision);

    // Config: exactly what the renderer makes, in the file the API imports.
    ConfigMap cm = h.config("acme");
    assertThat(cm.getData().get("application.properties"))
        .isEqualTo(
            TenantConfigRenderer.toPropertiesFile(
                TenantConfigRenderer.render("acme", OperatorHarness.spec("acme"))));
    Secret generated = h.client.secrets().inNamespace(NS).withName("acme-api-secrets").get();
    assertThat(generated.getData()).containsKey("pagination-cursor-secret");

    // Workload
    Deployment d = h.deployment("acme");
    Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("ghcr.io/kaleem/api:1.0.0");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/api/health/readiness");
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/api/health/liveness");
    assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(c.getResources().getLimits()).containsKeys("cpu", "memory");
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(d.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    Map<String, String> podAnnotations = d.getSpec().getTemplate().getMetadata().getAnnotations();
    assertThat(podAnnotations)
        .containsEntry("prometheus.io/scrape", "true")
        .containsEntry("prometheus.io/path", "/metrics")
        .containsEntry("prometheus.io/port", "9464")
        .containsKey("kaleem.io/config-hash");
    Map<String, String> env =
        c.getEnv().stream()
            .collect(
                Collectors.toMap(
                    e -> e.getName(),
                    e ->
                        e.getValue() != null
                            ? e.getValue()
                            : e.getValueFrom().getSecretKeyRef().getName()
                                + "/"
                                + e.getValueFrom().getSecretKeyRef().getKey()));
    assertThat(env)
        .containsEntry("SPRING_CONFIG_IMPORT", "optional:file:/etc/kaleem/application.properties")
        .containsEntry("MONGODB_URI", "acme-mongo/uri")
        .containsEntry(
            "KALEEM_PAGINATION_CURSOR_SECRET", "acme-api-secrets/pagination-cursor-secret")
        .containsEntry("SPRING_PROFILES_ACTIVE", "prod")
        .containsEntry("KALEEM_JWT_JWKS", "acme-mongo/jwks.json")
        .doesNotContainKeys("REDIS_URL", "SPRING_RABBITMQ_ADDRESSES");
    assertThat(d.getSpec().getReplicas()).as("the HPA owns replicas").isNull();
    Service svc = h.client.services().inNamespace(NS).withName("acme-api").get();
    assertThat(svc.getSpec().getSelector()).isEqualTo(d.getSpec().getSelector().getMatchLabels());
    HorizontalPodAutoscaler hpa = hpa("acme");
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(10);
    PodDisruptionBudget pdb =
        h.client.policy().v1().podDisruptionBudget().inNamespace(NS).withName("acme-api").get();
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    var rule =
        h.client
            .genericKubernetesResources("monitoring.coreos.com/v1", "PrometheusRule")
            .inNamespace(NS)
            .withName("acme-slo")
            .get();
    var podMonitor =
        h.client
            .genericKubernetesResources("monitoring.coreos.com/v1", "PodMonitor")
            .inNamespace(NS)
            .withName("acme-api")
            .get();
    for (HasMetadata o : List.<HasMetadata>of(cm, generated, d, svc, hpa, pdb, rule, podMonitor)) {
      assertThat(o.getMetadata().getOwnerReferences())
          .as(o.getKind())
          .singleElement()
          .satisfies(
              (OwnerReference r) -> {
                assertThat(r.getUid()).isEqualTo(uid);
                assertThat(r.getKind()).isEqualTo("KaleemTenant");
                assertThat(r.getController()).isTrue();
              });
    }

    // Indexes in the tenant database
    try (MongoClient mongo = MongoClients.create(h.mongoUri)) {
      var db = mongo.getDatabase("acme_db");
      List<String> names = new ArrayList<>();
      for (String coll : db.listCollectionNames()) {
        for (Document i : db.getCollection(coll).listIndexes()) {
          names.add(coll + "." + i.getString("name"));
        }
      }
      assertThat(names)
          .containsAll(
              IndexCatalog.all().stream().map(i -> i.collection() + "." + i.name()).toList());
      Document expiry = null;
      for (Document i : db.getCollection("refresh_tokens").listIndexes()) {
        if ("refresh_tokens_expiry".equals(i.getString("name"))) {
          expiry = i;
        }
      }
      assertThat(expiry).isNotNull();
      assertThat(((Number) expiry.get("expireAfterSeconds")).longValue()).isZero();
    }

    // A second (and third) reconcile with nothing to do sends no request at all: every read is
    // an informer cache (the PrometheusRule and PodMonitor too), every write is skipped. Only the
    // operator-wide check whether the prometheus-operator CRDs still exist (one GET per CRD per
    // interval, whatever the fleet size) may fall into the window.
    awaitQuiet();
    h.drainRequests();
    long before = h.reconciles();
    await().atMost(Duration.ofSeconds(10)).until(() -> h.reconciles() >= before + 3);
    List<String> requests =
        h.requests().stream()
            .filter(r -> !r.startsWith("GET /apis/apiextensions.k8s.io/"))
            .toList();
    assertThat(requests).as("API requests during idle reconciles").isEmpty();
  }

  /**
   * Our update is a server-side apply by field manager kaleem-operator: another writer's labels and
   * annotations on our Deployment survive it, and stay outside our managed fields.
   */
  @Test
  void anotherWritersLabelsAndAnnotationsSurviveOurUpdate() {
    h.createMongoSecret("delta-mongo", h.mongoUri);
    h.create("delta", OperatorHarness.spec("delta"));
    h.await("delta", t -> h.deployment("delta") != null);
    h.client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName("delta-api")
        .edit(
            d -> {
              d.getMetadata().getLabels().put("team", "payments");
              d.getMetadata().getAnnotations().put("example.com/owner", "ops");
              return d;
            });
    h.editSpec("delta", s -> s.api.image = "ghcr.io/kaleem/api:1.0.1");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> h.image("delta").equals("ghcr.io/kaleem/api:1.0.1"));
    Deployment d = h.deployment("delta");
    assertThat(d.getMetadata().getLabels())
        .containsEntry("team", "payments")
        .containsEntry("app.kubernetes.io/managed-by", "kaleem-operator");
    assertThat(d.getMetadata().getAnnotations())
        .containsEntry("example.com/owner", "ops")
        .containsKey("kaleem.io/desired-hash");
    var ours =
        d.getMetadata().getManagedFields().stream()
            .filter(e -> e.getManager().equals("kaleem-operator"))
            .toList();
    assertThat(ours).singleElement().extracting(e -> e.getOperation()).isEqualTo("Apply");
    @SuppressWarnings("unchecked")
    Map<String, Object> labels =
        (Map<String, Object>)
            ((Map<String, Object>)
                    ours.get(0).getFieldsV1().getAdditionalProperties().get("f:metadata"))
                .get("f:labels");
    assertThat(labels).containsKey("f:app.kubernetes.io/managed-by").doesNotContainKey("f:team");
  }

  /**
   * Switching autoscaling on stops us applying spec.replicas: the field passes to the HPA through a
   * hand-over manager, so the API server does not remove it (the Deployment keeps its replicas
   * instead of falling to one).
   */
  @Test
  void switchingAutoscalingOnKeepsTheReplicasUntilTheHpaActs() {
    h.createMongoSecret("omega-mongo", h.mongoUri);
    KaleemTenantSpec spec = OperatorHarness.spec("omega");
    spec.api.autoscaling.enabled = false;
    spec.api.replicas = 3;
    h.create("omega", spec);
    h.await("omega", t -> h.deployment("omega") != null);
    assertThat(h.deployment("omega").getSpec().getReplicas()).isEqualTo(3);

    h.editSpec("omega", s -> s.api.autoscaling.enabled = true);
    await().atMost(Duration.ofSeconds(30)).until(() -> hpa("omega") != null);
    awaitQuiet();
    Deployment d = h.deployment("omega");
    assertThat(d.getSpec().getReplicas()).isEqualTo(3);
    assertThat(d.getMetadata().getManagedFields())
        .extracting(e -> e.getManager())
        .contains("kaleem-operator", "kaleem-operator-handover-to-hpa");
  }

  @Test
  void anObjectWeDoNotOwnIsNeverAdopted() {
    // Someone else's Service holds the name the tenant's Service needs.
    h.client
        .services()
        .inNamespace(NS)
        .resource(
            new io.fabric8.kubernetes.api.model.ServiceBuilder()
                .withNewMetadata()
                .withName("kappa-api")
                .addToLabels("team", "payments")
                .endMetadata()
                .withNewSpec()
                .addToSelector("app", "payments")
                .addNewPort()
                .withPort(80)
                .endPort()
                .endSpec()
                .build())
        .create();
    h.createMongoSecret("kappa-mongo", h.mongoUri);
    h.create("kappa", OperatorHarness.spec("kappa"));
    KaleemTenant t = h.await("kappa", condition(Conditions.CONFIG_READY, "False", "NameConflict"));
    assertThat(t.getStatus().phase).isEqualTo(Phase.Failed);
    assertThat(
            Conditions.find(t.getStatus().conditions, Conditions.CONFIG_READY)
                .orElseThrow()
                .getMessage())
        .contains("Service kappa-api exists and is not owned by this tenant");
    assertThat(h.hasEvent("kappa", "NameConflict")).isTrue();
    Service theirs = h.client.services().inNamespace(NS).withName("kappa-api").get();
    assertThat(theirs.getSpec().getSelector()).containsExactly(Map.entry("app", "payments"));
    assertThat(theirs.getMetadata().getOwnerReferences()).isNullOrEmpty();

    // Their Service goes away: the tenant's own takes the name.
    h.client.services().inNamespace(NS).withName("kappa-api").delete();
    h.await("kappa", condition(Conditions.CONFIG_READY, "True", "Applied"));
    assertThat(
            h.client
                .services()
                .inNamespace(NS)
                .withName("kappa-api")
                .get()
                .getMetadata()
                .getOwnerReferences())
        .singleElement()
        .satisfies(r -> assertThat(r.getKind()).isEqualTo("KaleemTenant"));
  }

  @Test
  void specChangesTouchOnlyWhatTheyConcern() throws Exception {
    h.createMongoSecret("beta-mongo", h.mongoUri);
    h.create("beta", OperatorHarness.spec("beta"));
    h.await("beta", t -> h.deployment("beta") != null);
    h.markAvailable("beta");
    KaleemTenant ready = h.await("beta", phase(Phase.Ready));
    String rev1 = ready.getStatus().currentRevision;
    awaitQuiet();
    Map<String, String> versions = versions("beta");

    // Autoscaling bounds: only the HPA changes; no new revision.
    h.editSpec("beta", s -> s.api.autoscaling.maxReplicas = 4);
    await().atMost(Duration.ofSeconds(10)).until(() -> hpa("beta").getSpec().getMaxReplicas() == 4);
    awaitQuiet();
    Map<String, String> afterHpa = versions("beta");
    assertThat(afterHpa.get("hpa")).isNotEqualTo(versions.get("hpa"));
    assertThat(afterHpa)
        .as("everything but the HPA")
        .containsAllEntriesOf(without(versions, "hpa"));
    assertThat(h.get("beta").getStatus().currentRevision).isEqualTo(rev1);

    // The HPA scales the Deployment (through the scale subresource in a cluster).
    h.client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName("beta-api")
        .edit(
            d -> {
              d.getSpec().setReplicas(5);
              return d;
            });
    awaitQuiet();
    afterHpa = versions("beta");

    // Cache settings: the ConfigMap changes and the config hash rolls the pods (new revision).
    h.editSpec("beta", s -> s.cache.l1.maxSize = 500);
    KaleemTenant rolled = h.await("beta", t -> !rev1.equals(t.getStatus().currentRevision));
    // The rollout decision is persisted before the workload is written: wait for the write.
    h.await(
        "beta",
        t ->
            rolled
                .getStatus()
                .currentRevision
                .equals(
                    h.deployment("beta")
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getLabels()
                        .get("kaleem.io/revision")));
    assertThat(h.config("beta").getData().get("application.properties"))
        .contains("kaleem.cache.l1.max-size=500");
    Map<String, String> afterCache = versions("beta");
    assertThat(afterCache.get("cm")).isNotEqualTo(afterHpa.get("cm"));
    assertThat(afterCache.get("deploy")).isNotEqualTo(afterHpa.get("deploy"));
    assertThat(afterCache.get("svc")).isEqualTo(afterHpa.get("svc"));
    assertThat(afterCache.get("pdb")).isEqualTo(afterHpa.get("pdb"));
    assertThat(afterCache.get("secret")).isEqualTo(afterHpa.get("secret"));
    assertThat(rolled.getStatus().phase).isIn(Phase.Progressing, Phase.Ready);
    assertThat(h.deployment("beta").getSpec().getReplicas())
        .as("a template change keeps the replicas the HPA chose")
        .isEqualTo(5);
  }

  @Test
  void handEditsOfWhatRunsAreReverted() {
    h.createMongoSecret("zeta-mongo", h.mongoUri);
    h.create("zeta", OperatorHarness.spec("zeta"));
    h.await("zeta", t -> h.deployment("zeta") != null);
    h.markAvailable("zeta");
    h.await("zeta", phase(Phase.Ready));
    String rendered = h.config("zeta").getData().get("application.properties");

    // kubectl set image ...
    h.client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName("zeta-api")
        .edit(
            d -> {
              d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("evil:latest");
              return d;
            });
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> h.image("zeta").equals("ghcr.io/kaleem/api:1.0.0"));

    // kubectl edit configmap ...
    h.client
        .configMaps()
        .inNamespace(NS)
        .withName(h.configName("zeta"))
        .edit(
            c -> {
              c.getData().put("application.properties", "kaleem.mongo.auto-index=true\n");
              return c;
            });
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> rendered.equals(h.config("zeta").getData().get("application.properties")));
  }

  private static Map<String, String> without(Map<String, String> m, String key) {
    Map<String, String> c = new java.util.HashMap<>(m);
    c.remove(key);
    return c;
  }

  private static Map<String, String> versions(String t) {
    var c = h.client;
    return Map.of(
        "cm", h.configName(t) + "@" + h.config(t).getMetadata().getResourceVersion(),
        "secret",
            c.secrets()
                .inNamespace(NS)
                .withName(t + "-api-secrets")
                .get()
                .getMetadata()
                .getResourceVersion(),
        "deploy", h.deployment(t).getMetadata().getResourceVersion(),
        "svc",
            c.services()
                .inNamespace(NS)
                .withName(t + "-api")
                .get()
                .getMetadata()
                .getResourceVersion(),
        "hpa",
            c.autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace(NS)
                .withName(t + "-api")
                .get()
                .getMetadata()
                .getResourceVersion(),
        "pdb",
            c.policy()
                .v1()
                .podDisruptionBudget()
                .inNamespace(NS)
                .withName(t + "-api")
                .get()
                .getMetadata()
                .getResourceVersion());
  }

  /** Waits until a couple of reconciles pass (status settles after the last change). */
  static HorizontalPodAutoscaler hpa(String tenant) {
    return h.client
        .autoscaling()
        .v2()
        .horizontalPodAutoscalers()
        .inNamespace(NS)
        .withName(tenant + "-api")
        .get();
  }

  static void awaitQuiet() {
    long now = h.reconciles();
    await().atMost(Duration.ofSeconds(10)).until(() -> h.reconciles() >= now + 3);
  }
}
