package io.kaleem.operator.bench;

import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.crds.v1alpha1.KaleemTenantStatus.Phase;
import io.kaleem.operator.KaleemOperator;
import io.kaleem.operator.OperatorHarness;
import io.kaleem.operator.OperatorOptions;
import io.kaleem.operator.OperatorSettings;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * {@code make bench}, the fleet: 1,000 tenants (property {@code bench.fleet.tenants}) on the
 * fabric8 mock API server with the in-process MongoDB-wire server and the stand-in deployment
 * controller of {@link OperatorBench}. Measures API requests per idle reconcile, reconcile P95,
 * heap, requests per second to the API server during a fleet-wide rollout and after an operator
 * restart (index syncs queued), and the time to converge after the restart. Requests are counted on
 * the mock server; the bench's own writes (tenant specs, the stand-in controller's Deployment
 * status) are left out of the operator's count.
 */
public final class OperatorFleetBench {

  private static final int N = Integer.getInteger("bench.fleet.tenants", 1000);
  private static final String LOAD_AT_START = OperatorBench.loadAverage();

  private OperatorFleetBench() {}

  public static void main(String[] args) {
    try {
      run(args);
      System.exit(0);
    } catch (Throwable e) {
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static OperatorSettings settings() {
    OperatorSettings s = OperatorHarness.testSettings();
    return new OperatorSettings(
        Set.of(),
        -1,
        null,
        "unused",
        Duration.ofMinutes(30),
        s.mongoTimeout(),
        s.backoffBase(),
        Duration.ofSeconds(30),
        Duration.ofSeconds(1),
        Duration.ofMinutes(1),
        // Every tenant is reconciled at least this often: the idle reconciles measured below.
        Duration.ofSeconds(30),
        20);
  }

  private static void run(String[] args) throws Exception {
    List<String[]> rows = new ArrayList<>();
    OperatorSettings settings = settings();
    Map<String, Integer> idleBreakdown = new TreeMap<>();
    try (OperatorHarness h = OperatorHarness.start(settings, true)) {
      OperatorBench.deploymentController(h);
      // prometheus-operator installed: every tenant also has a PrometheusRule and a PodMonitor,
      // read from their informers like the rest.
      h.installPodMonitorCrd();
      h.installPrometheusRuleCrd();
      // 1. The fleet.
      ExecutorService pool = Executors.newFixedThreadPool(8);
      long t0 = System.nanoTime();
      for (int i = 0; i < N; i++) {
        String name = "f" + i;
        pool.submit(
            () -> {
              h.createMongoSecret(name + "-mongo", h.mongoUri);
              h.create(name, spec(name));
            });
      }
      pool.shutdown();
      pool.awaitTermination(10, TimeUnit.MINUTES);
      awaitAll(h, t -> t.getStatus() != null && t.getStatus().phase == Phase.Ready, 20);
      double createS = (System.nanoTime() - t0) / 1e9;
      rows.add(
          OperatorBench.row(
              N + " tenants created at once: all Ready", fmt(createS) + " s", "", true));

      // 2. Idle: every tenant reconciled again (resync) with nothing to change. The Events of the
      // creation burst are sent off the reconcile thread; their backlog is not idle traffic.
      Awaitility.await()
          .atMost(Duration.ofMinutes(10))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> h.eventsQueued() == 0);
      Thread.sleep(5000);
      h.drainRequests();
      long r0 = h.reconciles();
      Awaitility.await()
          .atMost(Duration.ofMinutes(5))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> h.reconciles() >= r0 + N);
      long idleReconciles = h.reconciles() - r0;
      List<String> idle = operatorRequests(h.requests());
      idle.forEach(
          r -> idleBreakdown.merge(r.replaceAll("/f[0-9]+(-[a-z-]+)?", "/<t>$1"), 1, Integer::sum));
      // An informer re-opens its watch when the server ends it (timeoutSeconds, 5-10 min): that
      // is the informer's cost, the same for 1 tenant or 1,000, not a request of a reconcile.
      List<String> watches = idle.stream().filter(r -> r.contains("watch=true")).toList();
      int reconcileRequests = idle.size() - watches.size();
      double perReconcile = reconcileRequests / (double) idleReconciles;
      rows.add(
          OperatorBench.row(
              "API requests per idle reconcile (" + idleReconciles + " reconciles)",
              fmt(perReconcile),
              "0",
              reconcileRequests == 0));
      rows.add(
          OperatorBench.row(
              "informer watches re-opened in the idle window (not per reconcile)",
              String.valueOf(watches.size()),
              "",
              true));
      Timer timer = h.operator.registry().find("kaleem_operator_tenant_reconcile_seconds").timer();
      double p95 = OperatorBench.percentile(timer, 0.95) * 1000;
      rows.add(
          OperatorBench.row("reconcile P95 (idle fleet)", fmt(p95) + " ms", "< 200 ms", p95 < 200));
      double heapMiB = heapAfterGcMiB();
      rows.add(
          OperatorBench.row(
              "JVM heap after GC (operator + mock API server + Mongo server, one JVM)",
              fmt(heapMiB) + " MiB",
              "",
              true));

      // 3. A fleet-wide rollout: every tenant gets a new image.
      h.drainRequests();
      long t3 = System.nanoTime();
      ExecutorService edits = Executors.newFixedThreadPool(8);
      for (int i = 0; i < N; i++) {
        String name = "f" + i;
        edits.submit(() -> h.editSpec(name, s -> s.api.image = "ghcr.io/kaleem/api:1.1.0"));
      }
      edits.shutdown();
      edits.awaitTermination(10, TimeUnit.MINUTES);
      awaitAll(
          h,
          t ->
              t.getStatus() != null
                  && t.getStatus().phase == Phase.Ready
                  && t.getStatus().lastGoodRevision != null
                  && t.getStatus().lastGoodRevision.equals(t.getStatus().currentRevision)
                  && h.deployment(t.getMetadata().getName())
                      .getSpec()
                      .getTemplate()
                      .getSpec()
                      .getContainers()
                      .get(0)
                      .getImage()
                      .endsWith("1.1.0"),
          20);
      double rolloutS = (System.nanoTime() - t3) / 1e9;
      int rolloutRequests = operatorRequests(h.requests()).size();
      rows.add(
          OperatorBench.row(
              "fleet-wide rollout: all Ready on the new image", fmt(rolloutS) + " s", "", true));
      rows.add(
          OperatorBench.row(
              "fleet-wide rollout: operator requests/s to the API server",
              fmt(rolloutRequests / rolloutS) + " /s (" + rolloutRequests + " in all)",
              "",
              true));

      // 4. Restart: a new operator process state (caches empty, index syncs all due again).
      h.operator.close();
      // The operator's own heap: the JVM's heap after GC with the restarted operator converged,
      // minus before it started (the stopped operator's leftovers, the mock server's and the
      // Mongo server's data are in both).
      double withoutOperatorMiB = heapAfterGcMiB();
      h.drainRequests();
      long t4 = System.nanoTime();
      try (KaleemOperator again =
          new KaleemOperator(h.client, settings, OperatorOptions.defaults(), false)) {
        again.start();
        Timer t2 = again.registry().find("kaleem_operator_tenant_reconcile_seconds").timer();
        Awaitility.await()
            .atMost(Duration.ofMinutes(10))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> t2.count() >= N);
        double convergeS = (System.nanoTime() - t4) / 1e9;
        int restartRequests = operatorRequests(h.requests()).size();
        double operatorMiB = heapAfterGcMiB() - withoutOperatorMiB;
        rows.add(
            OperatorBench.row(
                "the operator's own heap after GC (restarted operator, converged)",
                fmt(operatorMiB) + " MiB",
                "< 256 MiB",
                operatorMiB < 256));
        rows.add(
            OperatorBench.row(
                "restart: every tenant reconciled again (converged)",
                fmt(convergeS) + " s",
                "< 120 s",
                convergeS < 120));
        rows.add(
            OperatorBench.row(
                "restart: operator requests/s to the API server until converged",
                fmt(restartRequests / convergeS) + " /s (" + restartRequests + " in all)",
                "",
                true));
        long t5 = System.nanoTime();
        h.drainRequests();
        // Index syncs were queued by the restart (jittered, 2 per Mongo host): their ends.
        Thread.sleep(20_000);
        int queuedRequests = operatorRequests(h.requests()).size();
        rows.add(
            OperatorBench.row(
                "restart: requests/s in the next 20 s, while index syncs run",
                fmt(queuedRequests / ((System.nanoTime() - t5) / 1e9)) + " /s",
                "",
                true));
      }
    }
    String table = OperatorBench.table(rows);
    StringBuilder idleText = new StringBuilder();
    idleBreakdown.forEach(
        (k, v) -> idleText.append("- `").append(k).append("`: ").append(v).append('\n'));
    System.out.println(table);
    if (args.length > 0) {
      Files.writeString(
          Path.of(args[0]),
          "# kaleem-operator fleet benchmark\n\n"
              + "Run "
              + DateTimeFormatter.ISO_INSTANT.format(Instant.now())
              + " on "
              + Runtime.getRuntime().availableProcessors()
              + " CPUs (load average at start "
              + LOAD_AT_START
              + "), Java "
              + System.getProperty("java.version")
              + ", "
              + N
              + " tenants. Fabric8 mock API server (CRUD mode) and in-process MongoDB-wire"
              + " server in the operator's JVM; a stand-in deployment controller marks new"
              + " templates available. Operator requests exclude the bench's own writes (tenant"
              + " specs, Secrets, Deployment status) and the operator-wide CRD presence check.\n\n"
              + table
              + "\nRequests during the idle window, by path:\n\n"
              + (idleText.length() == 0 ? "- none\n" : idleText)
              + "\n");
    }
  }

  /** The operator's requests: the bench's own writes and the CRD presence check left out. */
  static List<String> operatorRequests(List<String> all) {
    return all.stream()
        .filter(r -> !r.startsWith("GET /apis/apiextensions.k8s.io/"))
        .filter(r -> !(r.contains("/deployments/") && r.contains("/status")))
        .filter(
            r -> !(r.startsWith("POST ") && r.contains("/secrets") && !r.contains("api-secrets")))
        .filter(
            r ->
                !r.matches(
                        "(PUT|PATCH|POST|GET) /apis/kaleem.io/v1alpha1/namespaces/[^/]+/kaleemtenants(/[^/?]+)?(\\?.*)?$")
                    || r.startsWith("GET /apis/kaleem.io/v1alpha1/namespaces/shop/kaleemtenants?"))
        .filter(r -> !r.startsWith("GET /apis/apps/v1/namespaces/shop/deployments/"))
        .toList();
  }

  private static void awaitAll(OperatorHarness h, Predicate<KaleemTenant> p, int minutes) {
    Awaitility.await()
        .atMost(Duration.ofMinutes(minutes))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () ->
                h.tenants().inNamespace(OperatorHarness.NS).list().getItems().stream()
                        .filter(p)
                        .count()
                    >= N);
  }

  private static KaleemTenantSpec spec(String name) {
    KaleemTenantSpec spec = OperatorHarness.spec(name);
    spec.rollout.stabilizationSeconds = 0;
    // The stand-in deployment controller is one watch thread; with a fleet on a loaded machine it
    // can lag minutes behind, which is not what this bench measures.
    spec.rollout.progressDeadlineSeconds = 3600;
    return spec;
  }

  private static String fmt(double d) {
    return OperatorBench.fmt(d);
  }

  private static double heapAfterGcMiB() throws InterruptedException {
    System.gc();
    Thread.sleep(500);
    System.gc();
    Runtime rt = Runtime.getRuntime();
    return (rt.totalMemory() - rt.freeMemory()) / 1024.0 / 1024.0;
  }
}
