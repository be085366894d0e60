package io.kaleem.operator;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.crds.v1alpha1.KaleemTenantStatus;
import io.kaleem.mockapi.ServerSideApplyCrudDispatcher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A real operator, in-process, against the fabric8 mock API server in CRUD mode and an in-process
 * MongoDB-wire server. The mock server runs no controllers, so tests play the deployment controller
 * with {@link #markAvailable} and friends.
 */
public final class OperatorHarness implements AutoCloseable {

  public static final String NS = "shop";

  public final KubernetesMockServer server;
  public final KubernetesClient client;
  public MongoServer mongo;
  public String mongoUri;
  public final KaleemOperator operator;

  private OperatorHarness(OperatorSettings settings, boolean startMongo) throws IOException {
    this(settings, startMongo, OperatorOptions.defaults());
  }

  private OperatorHarness(OperatorSettings settings, boolean startMongo, OperatorOptions options)
      throws IOException {
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new AuthorizingCrudDispatcher(removedMonitoringKinds),
            false);
    server.init();
    client = server.createClient();
    try (InputStream in = Files.newInputStream(crdFile())) {
      client.apiextensions().v1().customResourceDefinitions().load(in).create();
    }
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    if (startMongo) {
      mongo = new MongoServer(new MemoryBackend());
      mongoUri = mongo.bindAndGetConnectionString();
    }
    operator = new KaleemOperator(client, settings, options, false);
    operator.start();
  }

  public static OperatorHarness start() throws IOException {
    return new OperatorHarness(testSettings(), true);
  }

  public static OperatorHarness start(OperatorSettings settings, boolean startMongo)
      throws IOException {
    return new OperatorHarness(settings, startMongo);
  }

  public static OperatorHarness start(OperatorOptions options) throws IOException {
    return new OperatorHarness(testSettings(), true, options);
  }

  public static OperatorSettings testSettings() {
    return new OperatorSettings(
        Set.of(),
        0,
        null,
        "kaleem-operator-leader",
        Duration.ofSeconds(1),
        Duration.ofMillis(700),
        Duration.ofMillis(200),
        Duration.ofSeconds(2),
        Duration.ofMillis(200),
        Duration.ofMillis(300),
        Duration.ofSeconds(30),
        10);
  }

  static Path crdFile() {
    for (String dir : new String[] {"../crds", "crds"}) {
      Path p = Path.of(dir, "kaleemtenants.kaleem.io-v1.yml");
      if (Files.exists(p)) {
        return p;
      }
    }
    throw new IllegalStateException(
        "crds/kaleemtenants.kaleem.io-v1.yml not found from "
            + Path.of("").toAbsolutePath()
            + "; run make crds");
  }

  public MixedOperation<KaleemTenant, KubernetesResourceList<KaleemTenant>, Resource<KaleemTenant>>
      tenants() {
    return client.resources(KaleemTenant.class);
  }

  /** The tenant Secret {@link #spec} refers to: MongoDB URI and JWK set. */
  public void createMongoSecret(String name, String uri) {
    createSecret(name, Map.of("uri", uri, "jwks.json", JWKS));
  }

  /**
   * A JWK set as the operator checks it (a {@code keys} array, each key with a kid); the operator
   * tests never start the API, which checks the keys themselves.
   */
  public static final String JWKS = "{\"keys\":[{\"kty\":\"EC\",\"kid\":\"test-1\"}]}";

  /** A Secret in the test namespace with {@code data} (as stringData). */
  public void createSecret(String name, Map<String, String> data) {
    client
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .withStringData(data)
                .build())
        .create();
  }

  /** A valid minimal spec whose secret (MongoDB URI and JWK set) is {@code <name>-mongo}. */
  public static KaleemTenantSpec spec(String name) {
    KaleemTenantSpec spec = new KaleemTenantSpec();
    spec.plan = "growth";
    spec.api.image = "ghcr.io/kaleem/api:1.0.0";
    spec.database.name = name + "_db";
    spec.database.secretRef.name = name + "-mongo";
    spec.security.jwt.jwkSetSecretRef =
        new KaleemTenantSpec.SecretKeySelector(name + "-mongo", "jwks.json");
    spec.rollout.stabilizationSeconds = 0;
    return spec;
  }

  public KaleemTenant create(String name, KaleemTenantSpec spec) {
    KaleemTenant t = new KaleemTenant();
    t.getMetadata().setName(name);
    t.getMetadata().setNamespace(NS);
    t.setSpec(spec);
    return tenants().inNamespace(NS).resource(t).create();
  }

  public KaleemTenant get(String name) {
    return tenants().inNamespace(NS).withName(name).get();
  }

  /** Edits the spec as kubectl edit does: on a conflict (the operator wrote status), again. */
  public KaleemTenant editSpec(String name, java.util.function.Consumer<KaleemTenantSpec> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        return tenants()
            .inNamespace(NS)
            .withName(name)
            .edit(
                t -> {
                  change.accept(t.getSpec());
                  return t;
                });
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 10) {
          throw e;
        }
      }
    }
  }

  public KaleemTenant await(String name, Predicate<KaleemTenant> condition) {
    return await(name, condition, Duration.ofSeconds(30));
  }

  public KaleemTenant await(String name, Predicate<KaleemTenant> condition, Duration atMost) {
    org.awaitility.Awaitility.await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              KaleemTenant t = get(name);
              return t != null && condition.test(t);
            });
    return get(name);
  }

  public static Predicate<KaleemTenant> phase(KaleemTenantStatus.Phase p) {
    return t -> t.getStatus() != null && t.getStatus().phase == p;
  }

  public static Predicate<KaleemTenant> condition(String type, String status, String reason) {
    return t ->
        t.getStatus() != null
            && t.getStatus().conditions.stream()
                .anyMatch(
                    c ->
                        c.getType().equals(type)
                            && c.getStatus().equals(status)
                            && (reason == null || reason.equals(c.getReason())));
  }

  public Deployment deployment(String tenant) {
    return client.apps().deployments().inNamespace(NS).withName(tenant + "-api").get();
  }

  /** The image of the tenant Deployment's first container. */
  public String image(String tenant) {
    return deployment(tenant).getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  /** The name of the ConfigMap the tenant's Deployment mounts (one per revision), or null. */
  public String configName(String tenant) {
    Deployment d = deployment(tenant);
    if (d == null) {
      return null;
    }
    return d.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> "config".equals(v.getName()))
        .map(v -> v.getConfigMap().getName())
        .findFirst()
        .orElse(null);
  }

  /** The ConfigMap the tenant's Deployment mounts, or null. */
  public io.fabric8.kubernetes.api.model.ConfigMap config(String tenant) {
    String name = configName(tenant);
    return name == null ? null : client.configMaps().inNamespace(NS).withName(name).get();
  }

  /** Every ConfigMap the operator wrote for a tenant. */
  public List<io.fabric8.kubernetes.api.model.ConfigMap> configMaps(String tenant) {
    return client
        .configMaps()
        .inNamespace(NS)
        .withLabel("kaleem.io/tenant", tenant)
        .list()
        .getItems();
  }

  /** Plays the deployment controller: the Deployment's current template is fully available. */
  public void markAvailable(String tenant) {
    editDeploymentStatus(
        tenant,
        d -> {
          int want = d.getSpec().getReplicas() == null ? 2 : d.getSpec().getReplicas();
          d.setStatus(
              new DeploymentStatusBuilder()
                  .withObservedGeneration(d.getMetadata().getGeneration())
                  .withReplicas(want)
                  .withUpdatedReplicas(want)
                  .withReadyReplicas(want)
                  .withAvailableReplicas(want)
                  .withConditions(
                      new DeploymentConditionBuilder()
                          .withType("Available")
                          .withStatus("True")
                          .withReason("MinimumReplicasAvailable")
                          .build(),
                      new DeploymentConditionBuilder()
                          .withType("Progressing")
                          .withStatus("True")
                          .withReason("NewReplicaSetAvailable")
                          .build())
                  .build());
          return d;
        });
  }

  /** Plays the deployment controller giving up on the current template. */
  public void markDeadlineExceeded(String tenant) {
    editDeploymentStatus(
        tenant,
        d -> {
          d.setStatus(
              new DeploymentStatusBuilder()
                  .withObservedGeneration(d.getMetadata().getGeneration())
                  .withReplicas(3)
                  .withUpdatedReplicas(1)
                  .withReadyReplicas(2)
                  .withAvailableReplicas(2)
                  .withUnavailableReplicas(1)
                  .withConditions(
                      new DeploymentConditionBuilder()
                          .withType("Progressing")
                          .withStatus("False")
                          .withReason("ProgressDeadlineExceeded")
                          .withMessage("ReplicaSet has timed out progressing.")
                          .build())
                  .build());
          return d;
        });
  }

  public void editDeploymentStatus(String tenant, UnaryOperator<Deployment> f) {
    Deployment d = deployment(tenant);
    client.apps().deployments().inNamespace(NS).resource(f.apply(d)).updateStatus();
  }

  public List<Event> events(String tenant) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> tenant.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  /** Whether the Event was recorded (they are sent off the reconcile thread: waits up to 10 s). */
  public boolean hasEvent(String tenant, String reason) {
    try {
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> events(tenant).stream().anyMatch(e -> reason.equals(e.getReason())));
      return true;
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      return false;
    }
  }

  /** Completed reconciles so far (the reconcile timer's count). */
  public long reconciles() {
    var timer = operator.registry().find("kaleem_operator_tenant_reconcile_seconds").timer();
    return timer == null ? 0 : timer.count();
  }

  /** Events the operator has queued but not yet sent (they are sent off the reconcile thread). */
  public double eventsQueued() {
    var gauge =
        operator.registry().find(io.kaleem.crds.metrics.MetricNames.OPERATOR_EVENTS_QUEUED).gauge();
    return gauge == null ? 0 : gauge.value();
  }

  /** Event sources (informers) JOSDK reports unhealthy, from the operator's own gauge. */
  public double unhealthyEventSources() {
    var gauge =
        operator
            .registry()
            .find(io.kaleem.crds.metrics.MetricNames.OPERATOR_UNHEALTHY_EVENT_SOURCES)
            .gauge();
    return gauge == null ? 0 : gauge.value();
  }

  /** Forgets the requests recorded so far. */
  public void drainRequests() throws InterruptedException {
    while (server.takeRequest(1, TimeUnit.MILLISECONDS) != null) {
      // discard
    }
  }

  /** The requests recorded since the last drain, as "METHOD path". */
  public List<String> requests() throws InterruptedException {
    List<String> out = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
      out.add(r.getMethod() + " " + r.getPath());
    }
    return out;
  }

  public void installPrometheusRuleCrd() {
    installMonitoringCrd("PrometheusRule", "prometheusrules");
  }

  public void installPodMonitorCrd() {
    installMonitoringCrd("PodMonitor", "podmonitors");
  }

  /**
   * Removes both prometheus-operator CRDs as an API server does: from then on their kinds answer
   * 404 to writes (reads and deletes still pass, so the harness can delete what is left), the
   * objects of those kinds are deleted with them.
   */
  public void removeMonitoringCrds() {
    removedMonitoringKinds.add("prometheusrules");
    removedMonitoringKinds.add("podmonitors");
    for (String plural : List.of("prometheusrules", "podmonitors")) {
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(plural + ".monitoring.coreos.com")
          .delete();
    }
    for (String kind : List.of("PrometheusRule", "PodMonitor")) {
      client.genericKubernetesResources("monitoring.coreos.com/v1", kind).inAnyNamespace().delete();
    }
  }

  /** Plurals of monitoring.coreos.com whose CRD was removed (see {@link #removeMonitoringCrds}). */
  private final Set<String> removedMonitoringKinds =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private void installMonitoringCrd(String kind, String plural) {
    removedMonitoringKinds.remove(plural);
    CustomResourceDefinition crd =
        new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder()
            .withNewMetadata()
            .withName(plural + ".monitoring.coreos.com")
            .endMetadata()
            .withNewSpec()
            .withGroup("monitoring.coreos.com")
            .withScope("Namespaced")
            .withNewNames()
            .withKind(kind)
            .withPlural(plural)
            .withSingular(kind.toLowerCase(java.util.Locale.ROOT))
            .withListKind(kind + "List")
            .endNames()
            .addNewVersion()
            .withName("v1")
            .withServed(true)
            .withStorage(true)
            .withNewSchema()
            .withNewOpenAPIV3Schema()
            .withType("object")
            .withXKubernetesPreserveUnknownFields(true)
            .endOpenAPIV3Schema()
            .endSchema()
            .endVersion()
            .endSpec()
            .build();
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
  }

  /**
   * The mock server has no authorizer, and its CRUD mode refuses the metadata-less
   * SelfSubjectRulesReview JOSDK posts before leader election: answer it as a cluster would for the
   * operator's RBAC (deploy/rbac.yaml grants these verbs on leases). Writes of a
   * prometheus-operator kind whose CRD was removed answer 404, as an API server's do.
   */
  static final class AuthorizingCrudDispatcher extends ServerSideApplyCrudDispatcher {
    private final Set<String> removedMonitoringKinds;

    AuthorizingCrudDispatcher(Set<String> removedMonitoringKinds) {
      super();
      this.removedMonitoringKinds = removedMonitoringKinds;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      if (request.getPath().startsWith("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")) {
        return new MockResponse()
            .setResponseCode(201)
            .addHeader("Content-Type", "application/json")
            .setBody(
                """
                {"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectRulesReview",
                 "status":{"incomplete":false,"nonResourceRules":[],"resourceRules":[
                   {"verbs":["get","create","update"],"apiGroups":["coordination.k8s.io"],
                    "resources":["leases"]}]}}
                """);
      }
      if (!"GET".equals(request.getMethod())
          && !"DELETE".equals(request.getMethod())
          && request.getPath().startsWith("/apis/monitoring.coreos.com/")
          && removedMonitoringKinds.stream()
              .anyMatch(p -> request.getPath().matches(".*/" + p + "([/?].*)?"))) {
        return new MockResponse()
            .setResponseCode(404)
            .addHeader("Content-Type", "application/json")
            .setBody(
                "{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"status\":\"Failure\","
                    + "\"reason\":\"NotFound\",\"code\":404,\"message\":\"the server could"
                    + " not find the requested resource\"}");
      }
      return super.dispatch(request);
    }
  }

  @Override
  public void close() {
    operator.close();
    client.close();
    server.destroy();
    if (mongo != null) {
      mongo.shutdownNow();
    }
  }
}
