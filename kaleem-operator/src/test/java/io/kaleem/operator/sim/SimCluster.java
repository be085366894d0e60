package io.kaleem.operator.sim;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.operator.KaleemOperator;
import io.kaleem.operator.OperatorHarness;
import io.kaleem.operator.OperatorOptions;
import io.kaleem.operator.OperatorSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A simulated cluster: the fabric8 mock API server in CRUD mode (it stores objects, bumps {@code
 * metadata.generation} on spec changes and serves watches) with the controllers a real cluster runs
 * beside it: {@link DeploymentController}, {@link Kubelet}, {@link Autoscaler}, and a {@link
 * SimClock} the test moves. The real operator runs in-process against it with that clock.
 *
 * <p>The test drives time: {@link #step} advances the clock, lets every controller act once, sends
 * production traffic, and waits for the operator to reconcile at least once after (it polls a
 * rollout in progress every 20 ms of wall time, so each simulated step costs a few milliseconds).
 */
public final class SimCluster implements AutoCloseable {

  public static final String NS = "sim";

  /**
   * The mock server logs every request at INFO through java.util.logging (two console lines per
   * request, thousands per scenario); held here so the level sticks (JUL keeps loggers weakly).
   */
  private static final java.util.logging.Logger MOCK_SERVER_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private static final String OPERATOR_AGENT = "kaleem-operator-under-test";

  public final KubernetesMockServer server;
  public final KubernetesClient client;
  public final SimClock clock = new SimClock(Instant.parse("2026-01-01T00:00:00Z"));
  public final DeploymentController deployments;
  public final Kubelet kubelet;
  public final Autoscaler autoscaler;
  public final MongoServer mongo;
  public final String mongoUri;
  private final FaultyDispatcher dispatcher = new FaultyDispatcher();
  private final List<Traffic> traffic = new ArrayList<>();
  private KubernetesClient operatorClient;
  private KaleemOperator operator;
  private SimClock.Counting operatorClock;

  /**
   * Whether an operator silent for {@link #IDLE_NANOS} can be taken as idle: only when it polls a
   * rollout in progress faster than that. Its requeue delays are wall time; one that polls every 5
   * s (the default) is silent between polls while a rollout still waits on the clock, so each step
   * then waits for it up to 300 ms, as the simulation always did.
   */
  private boolean idleWhenSilent;

  private OperatorOptions options = OperatorOptions.defaults();

  /** Template revisions each Deployment took, in order ("name=revision"). */
  public final List<String> deploymentWrites = new CopyOnWriteArrayList<>();

  private final io.fabric8.kubernetes.client.Watch deploymentWatch;

  public SimCluster() throws IOException {
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init();
    client = server.createClient();
    try (InputStream in = Files.newInputStream(crdFile())) {
      client.apiextensions().v1().customResourceDefinitions().load(in).create();
    }
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    deployments = new DeploymentController(client, NS);
    kubelet = new Kubelet(client, NS);
    autoscaler = new Autoscaler(client, NS);
    mongo = new MongoServer(new MemoryBackend());
    mongoUri = mongo.bindAndGetConnectionString();
    Map<String, String> last = new java.util.concurrent.ConcurrentHashMap<>();
    deploymentWatch =
        client
            .apps()
            .deployments()
            .inNamespace(NS)
            .watch(
                new io.fabric8.kubernetes.client.Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Deployment d) {
                    if (action == Action.DELETED) {
                      return;
                    }
                    String name = d.getMetadata().getName();
                    String rev =
                        d.getSpec()
                            .getTemplate()
                            .getMetadata()
                            .getLabels()
                            .get("kaleem.io/revision");
                    if (rev != null && !rev.equals(last.put(name, rev))) {
                      deploymentWrites.add(name + "=" + rev);
                    }
                  }

                  @Override
                  public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
                });
  }

  public static OperatorSettings settings() {
    return new OperatorSettings(
        Set.of(),
        -1,
        null,
        "unused",
        Duration.ofMinutes(5),
        Duration.ofMillis(700),
        Duration.ofMillis(100),
        Duration.ofSeconds(1),
        Duration.ofMillis(20),
        Duration.ofMinutes(5),
        Duration.ofSeconds(30),
        4);
  }

  public void startOperator(OperatorOptions o) throws IOException {
    startOperator(o, settings());
  }

  public void startOperator(OperatorOptions o, OperatorSettings settings) throws IOException {
    operatorClock = clock.counting();
    idleWhenSilent = settings.rolloutPoll().toNanos() * 2 < IDLE_NANOS;
    this.options = o.withClock(operatorClock);
    // No client-side retry of 5xx: the only 5xx here is the simulated crash, after which a real
    // process sends nothing more; retrying it would only hold the shutdown (10 s per reconcile).
    Config c =
        new ConfigBuilder(client.getConfiguration())
            .withUserAgent(OPERATOR_AGENT)
            .withRequestRetryBackoffLimit(0)
            .build();
    operatorClient = new KubernetesClientBuilder().withConfig(c).build();
    operator = new KaleemOperator(operatorClient, settings, options, false);
    operator.start();
  }

  public void startOperator() throws IOException {
    startOperator(OperatorOptions.defaults());
  }

  /** Stops the operator as a crash would leave things: nothing more of it reaches the server. */
  public void stopOperator() {
    dispatcher.cutOff = true;
    operator.close();
    operatorClient.close();
    dispatcher.cutOff = false;
    dispatcher.crashAfter = null;
  }

  /**
   * The operator "crashes" right after the first request matching {@code when} (the request and its
   * body) is served: every later request from it fails as if the process were gone.
   */
  public void crashAfter(java.util.function.BiPredicate<RecordedRequest, String> when) {
    dispatcher.crashAfter = when;
  }

  public boolean crashed() {
    return dispatcher.cutOff;
  }

  public Traffic traffic(String service) {
    Traffic t = new Traffic(client, NS, service);
    traffic.add(t);
    return t;
  }

  public void createMongoSecret(String name) {
    client
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                // The MongoDB URI and the JWK set the API pods need (docs/OPERATOR.md, Secrets).
                .withStringData(Map.of("uri", mongoUri, "jwks.json", OperatorHarness.JWKS))
                .build())
        .create();
  }

  public static KaleemTenantSpec spec(String name) {
    KaleemTenantSpec spec = new KaleemTenantSpec();
    spec.plan = "growth";
    spec.api.image = "ghcr.io/kaleem/api:1.0.0";
    spec.api.autoscaling.enabled = false;
    spec.api.replicas = 2;
    spec.database.name = name + "_db";
    spec.database.secretRef.name = name + "-mongo";
    spec.security.jwt.jwkSetSecretRef =
        new KaleemTenantSpec.SecretKeySelector(name + "-mongo", "jwks.json");
    spec.rollout.stabilizationSeconds = 30;
    return spec;
  }

  public KaleemTenant create(String name, KaleemTenantSpec spec) {
    createMongoSecret(name + "-mongo");
    KaleemTenant t = new KaleemTenant();
    t.getMetadata().setName(name);
    t.getMetadata().setNamespace(NS);
    t.setSpec(spec);
    return client.resources(KaleemTenant.class).inNamespace(NS).resource(t).create();
  }

  public KaleemTenant get(String name) {
    return client.resources(KaleemTenant.class).inNamespace(NS).withName(name).get();
  }

  public void editSpec(String name, Consumer<KaleemTenantSpec> change) {
    edit(name, t -> change.accept(t.getSpec()));
  }

  public void annotate(String name, String key, String value) {
    edit(
        name,
        t -> {
          if (t.getMetadata().getAnnotations() == null) {
            t.getMetadata().setAnnotations(new HashMap<>());
          }
          t.getMetadata().getAnnotations().put(key, value);
        });
  }

  /** As kubectl edit: on a conflict with the operator's status write, read again and retry. */
  private void edit(String name, Consumer<KaleemTenant> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        client
            .resources(KaleemTenant.class)
            .inNamespace(NS)
            .withName(name)
            .edit(
                t -> {
                  change.accept(t);
                  return t;
                });
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 10) {
          throw e;
        }
      }
    }
  }

  public Deployment deployment(String name) {
    return client.apps().deployments().inNamespace(NS).withName(name).get();
  }

  public String runningRevision(String deployment) {
    Deployment d = deployment(deployment);
    return d == null
        ? null
        : d.getSpec().getTemplate().getMetadata().getLabels().get("kaleem.io/revision");
  }

  /**
   * One simulated step of {@code d}: clock, controllers, traffic, then at least one reconcile.
   * Returns whether anything was written meanwhile (by the cluster, the test or the operator;
   * Events aside): a step that wrote nothing changed nothing anyone could react to.
   */
  public boolean step(Duration d) {
    long anyWrites = dispatcher.writes.get();
    long writes = dispatcher.simWrites.get();
    long started = System.nanoTime();
    clock.advance(d);
    Instant now = clock.instant();
    autoscaler.step();
    deployments.step(now);
    kubelet.step(now);
    deployments.step(now);
    for (Traffic t : traffic) {
      t.send(10);
    }
    stats.clusterNanos += System.nanoTime() - started;
    awaitReconcile(dispatcher.simWrites.get() != writes);
    return dispatcher.writes.get() != anyWrites;
  }

  /** The longest step {@link #runUntil} and {@link #runFor} take while nothing happens. */
  static final Duration QUIET_STEP = Duration.ofSeconds(8);

  /**
   * The step after one of {@code current}: back to {@code base} after a step that wrote something,
   * doubled (up to {@link #QUIET_STEP}, never below {@code base}) after a quiet one. Every change
   * of the cluster is a write, and the kubelet and the deployment controller place each transition
   * at its own simulated instant inside a long step (a pull that ends 3 s into an 8 s step starts
   * the container at that instant), so a quiet stretch is crossed in a few steps without moving any
   * transition; the operator then sees the next change at most one step late, as it would after a
   * slow watch.
   */
  static Duration nextStep(Duration current, Duration base, boolean changed) {
    if (changed) {
      return base;
    }
    Duration doubled = current.multipliedBy(2);
    Duration cap = base.compareTo(QUIET_STEP) > 0 ? base : QUIET_STEP;
    return doubled.compareTo(cap) > 0 ? cap : doubled;
  }

  /** Steps until the tenant matches or {@code atMost} simulated time has passed. */
  public KaleemTenant runUntil(
      String tenant, Predicate<KaleemTenant> until, Duration atMost, Duration step) {
    Instant end = clock.instant().plus(atMost);
    Duration current = step;
    while (true) {
      KaleemTenant t = get(tenant);
      if (t != null && t.getStatus() != null && until.test(t)) {
        return t;
      }
      if (!clock.instant().isBefore(end)) {
        throw new AssertionError(
            "not reached within "
                + atMost
                + " of simulated time; writes "
                + deploymentWrites
                + "; deployment status: "
                + io.fabric8.kubernetes.client.utils.Serialization.asYaml(
                    deployment(tenant + "-api").getStatus())
                + "; pods: "
                + client.pods().inNamespace(NS).list().getItems().stream()
                    .map(
                        p ->
                            p.getMetadata().getName()
                                + "/"
                                + p.getMetadata().getLabels().get("kaleem.io/revision")
                                + "/"
                                + DeploymentController.ready(p))
                    .toList()
                + "; status: "
                + (t == null
                    ? null
                    : io.fabric8.kubernetes.client.utils.Serialization.asYaml(t.getStatus())));
      }
      current = nextStep(current, step, step(current));
    }
  }

  public KaleemTenant runUntil(String tenant, Predicate<KaleemTenant> until, Duration atMost) {
    return runUntil(tenant, until, atMost, Duration.ofSeconds(1));
  }

  /** Steps for {@code total} simulated time, checking {@code invariant} after every step. */
  public void runFor(
      Duration total, Duration step, Consumer<KaleemTenant> invariant, String tenant) {
    Instant end = clock.instant().plus(total);
    Duration current = step;
    while (clock.instant().isBefore(end)) {
      Duration left = Duration.between(clock.instant(), end);
      boolean changed = step(current.compareTo(left) > 0 ? left : current);
      current = nextStep(current, step, changed);
      if (invariant != null) {
        invariant.accept(get(tenant));
      }
    }
  }

  public long reconciles() {
    if (operator == null) {
      return 0;
    }
    var timer = operator.registry().find("kaleem_operator_tenant_reconcile_seconds").timer();
    return timer == null ? 0 : timer.count();
  }

  /**
   * Waits until the operator has finished a reconcile that began after the step (it read the clock
   * after every write of the step) and has nothing else in flight; the operator reads its clock
   * once per reconcile, so reads minus completed reconciles is the number in flight. An operator
   * that is idle (nothing in flight, no reconcile for {@link #IDLE_NANOS}) and was given nothing
   * new by the step (no write by the simulated cluster) has no reason to reconcile: the step
   * returns at once. Bounded by 300 ms of wall time, for a write the operator does not watch.
   */
  private void awaitReconcile(boolean clusterChanged) {
    if (operator == null) {
      return;
    }
    long readsBefore = operatorClock.reads();
    long start = System.nanoTime();
    stats.steps++;
    try {
      awaitReconcile(clusterChanged, readsBefore, start);
    } finally {
      stats.waitNanos += System.nanoTime() - start;
    }
  }

  /** Steps taken and wall time spent waiting for the operator, for the test's log. */
  static final class Stats {
    long steps;
    long waitNanos;
    long clusterNanos;
    long timeouts;

    @Override
    public String toString() {
      return steps
          + " steps, "
          + waitNanos / 1_000_000
          + " ms waiting for the operator, "
          + clusterNanos / 1_000_000
          + " ms in the simulated controllers, "
          + timeouts
          + " waits cut at 300 ms";
    }
  }

  final Stats stats = new Stats();

  private void awaitReconcile(boolean clusterChanged, long readsBefore, long start) {
    while (!dispatcher.cutOff) {
      if (System.nanoTime() - start >= 300_000_000L) {
        stats.timeouts++;
        return;
      }
      long reads = operatorClock.reads();
      long done = reconciles();
      if (done >= reads) {
        if (reads > readsBefore) {
          return;
        }
        if (idleWhenSilent
            && !clusterChanged
            && System.nanoTime() - operatorClock.lastReadNanos() > IDLE_NANOS) {
          return;
        }
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Longer than the rollout poll (20 ms): an operator silent this long is not polling. */
  private static final long IDLE_NANOS = 100_000_000L;

  static Path crdFile() {
    for (String dir : new String[] {"../crds", "crds"}) {
      Path p = Path.of(dir, "kaleemtenants.kaleem.io-v1.yml");
      if (Files.exists(p)) {
        return p;
      }
    }
    throw new IllegalStateException("crds/kaleemtenants.kaleem.io-v1.yml not found");
  }

  @Override
  public void close() {
    System.err.println("SimCluster: " + stats + ", simulated " + clock.instant());
    for (Traffic t : traffic) {
      t.close();
    }
    deploymentWatch.close();
    if (operator != null) {
      operator.close();
      operatorClient.close();
    }
    client.close();
    server.destroy();
    mongo.shutdownNow();
  }

  /**
   * CRUD dispatcher that records the operator's Deployment writes, answers the operator's
   * SelfSubjectRulesReview, and can cut the operator off after a given request.
   */
  private final class FaultyDispatcher extends io.kaleem.mockapi.ServerSideApplyCrudDispatcher {
    volatile java.util.function.BiPredicate<RecordedRequest, String> crashAfter;
    volatile boolean cutOff;

    /** Writes by the simulated cluster and the test (anything but the operator). */
    final java.util.concurrent.atomic.AtomicLong simWrites =
        new java.util.concurrent.atomic.AtomicLong();

    /** Writes by anyone, Events aside. */
    final java.util.concurrent.atomic.AtomicLong writes =
        new java.util.concurrent.atomic.AtomicLong();

    FaultyDispatcher() {
      super();
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      boolean fromOperator = OPERATOR_AGENT.equals(request.getHeader("User-Agent"));
      if (!"GET".equals(request.getMethod()) && !request.getPath().contains("/events")) {
        writes.incrementAndGet();
        if (!fromOperator) {
          simWrites.incrementAndGet();
        }
      }
      if (fromOperator && cutOff) {
        return new MockResponse().setResponseCode(503).setBody("{}");
      }
      if (request.getPath().startsWith("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")) {
        return new MockResponse()
            .setResponseCode(201)
            .addHeader("Content-Type", "application/json")
            .setBody(
                "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectRulesReview\","
                    + "\"status\":{\"incomplete\":false,\"nonResourceRules\":[],\"resourceRules\":[]}}");
      }
      // The CRUD dispatcher consumes the body (Buffer reads are destructive): keep a copy first.
      String body =
          request.getBody() == null
              ? ""
              : new String(request.getBody().getBytes(), java.nio.charset.StandardCharsets.UTF_8);
      MockResponse r = super.dispatch(request);
      var crash = crashAfter;
      if (fromOperator && crash != null && crash.test(request, body)) {
        cutOff = true;
      }
      return r;
    }
  }
}
