package io.kaleem.operator.bench;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.crds.v1alpha1.KaleemTenantStatus.Phase;
import io.kaleem.operator.OperatorHarness;
import io.kaleem.operator.OperatorSettings;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@code make bench} for the operator: the real operator in-process against the fabric8 mock API
 * server (CRUD mode) and the in-process MongoDB-wire server, with a stand-in deployment controller
 * that marks every new Deployment template available (except images tagged "-broken"). Measures
 * create-to-Ready for one tenant and for 200 created at once, and the rollback decision time after
 * the failure signal. Prints a Markdown table and writes it to the file given as first argument.
 */
public final class OperatorBench {

  private static final int MANY = Integer.getInteger("bench.tenants", 200);
  private static final int ROLLBACKS = Integer.getInteger("bench.rollbacks", 5);

  /** The 1/5/15-minute load averages when the run began: other work on the same CPUs. */
  private static final String LOAD_AT_START = loadAverage();

  private OperatorBench() {}

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  public static void main(String[] args) {
    // The mock server's threads are not daemons: always end the JVM explicitly.
    try {
      run(args);
      System.exit(0);
    } catch (Throwable e) {
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static void run(String[] args) throws Exception {
    OperatorSettings s = OperatorHarness.testSettings();
    OperatorSettings settings =
        new OperatorSettings(
            Set.of(),
            -1,
            null,
            "unused",
            Duration.ofMinutes(5),
            s.mongoTimeout(),
            s.backoffBase(),
            s.backoffMax(),
            Duration.ofSeconds(1),
            Duration.ofMinutes(1),
            Duration.ofMinutes(10),
            20);
    List<String[]> rows = new ArrayList<>();
    try (OperatorHarness h = OperatorHarness.start(settings, true)) {
      Watch controller = deploymentController(h);
      // 1. One tenant.
      h.createMongoSecret("solo-mongo", h.mongoUri);
      long t0 = System.nanoTime();
      h.create("solo", spec("solo"));
      h.await("solo", OperatorHarness.phase(Phase.Ready), Duration.ofSeconds(60));
      double soloMs = (System.nanoTime() - t0) / 1e6;
      rows.add(
          row(
              "one tenant, cold JVM (first reconcile ever): create to Ready",
              fmt(soloMs) + " ms",
              "< 2000 ms",
              soloMs < 2000));

      // 2. Many tenants at once.
      for (int i = 0; i < MANY; i++) {
        h.createMongoSecret("t" + i + "-mongo", h.mongoUri);
      }
      Timer timer = h.operator.registry().find("kaleem_operator_tenant_reconcile_seconds").timer();
      ExecutorService pool = Executors.newFixedThreadPool(16);
      long t1 = System.nanoTime();
      for (int i = 0; i < MANY; i++) {
        String name = "t" + i;
        pool.submit(() -> h.create(name, spec(name)));
      }
      pool.shutdown();
      pool.awaitTermination(2, TimeUnit.MINUTES);
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofMinutes(5))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () ->
                  h.tenants().inNamespace(OperatorHarness.NS).list().getItems().stream()
                          .filter(t -> t.getStatus() != null && t.getStatus().phase == Phase.Ready)
                          .count()
                      >= MANY + 1L);
      double manyS = (System.nanoTime() - t1) / 1e9;
      double p95 = percentile(timer, 0.95);
      System.gc();
      Thread.sleep(500);
      System.gc();
      Runtime rt = Runtime.getRuntime();
      double heapMiB = (rt.totalMemory() - rt.freeMemory()) / 1024.0 / 1024.0;
      rows.add(row(MANY + " tenants at once: all Ready", fmt(manyS) + " s", "< 60 s", manyS < 60));
      rows.add(row(MANY + " tenants: throughput", fmt(MANY / manyS) + " tenants/s", "", true));
      rows.add(
          row("reconcile time P95 (all reconciles so far)", fmt(p95 * 1000) + " ms", "", true));
      rows.add(
          row(
              "JVM heap after GC (operator + mock API server + Mongo server, one JVM)",
              fmt(heapMiB) + " MiB",
              "< 256 MiB",
              heapMiB < 256));

      // 2b. One more tenant, on a warm operator (steady state: JIT done, clients connected).
      h.createMongoSecret("warm-mongo", h.mongoUri);
      long tw = System.nanoTime();
      h.create("warm", spec("warm"));
      h.await("warm", OperatorHarness.phase(Phase.Ready), Duration.ofSeconds(60));
      double warmMs = (System.nanoTime() - tw) / 1e6;
      rows.add(
          row(
              "one tenant, warm operator: create to Ready",
              fmt(warmMs) + " ms",
              "< 2000 ms",
              warmMs < 2000));

      // 3. Rollback decision time after the failure signal.
      List<Double> decisions = new ArrayList<>();
      for (int i = 0; i < ROLLBACKS; i++) {
        String name = "t" + i;
        h.editSpec(
            name,
            sp -> {
              sp.api.image = "ghcr.io/kaleem/api:9.9.9-broken";
              sp.rollout.stabilizationSeconds = 600;
            });
        h.await(name, OperatorHarness.phase(Phase.Progressing), Duration.ofSeconds(30));
        // The decision is persisted before the Deployment is written: wait for the write.
        h.await(
            name,
            t ->
                h.deployment(name)
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .get(0)
                    .getImage()
                    .endsWith("-broken"),
            Duration.ofSeconds(30));
        long t2 = System.nanoTime();
        h.markDeadlineExceeded(name);
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(5))
            .until(
                () ->
                    h.deployment(name)
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage()
                        .equals("ghcr.io/kaleem/api:1.0.0"));
        decisions.add((System.nanoTime() - t2) / 1e6);
      }
      Collections.sort(decisions);
      double worst = decisions.get(decisions.size() - 1);
      rows.add(
          row(
              "rollback: failure signal to template restored (median of " + ROLLBACKS + ")",
              fmt(decisions.get(decisions.size() / 2)) + " ms",
              "< 30000 ms",
              worst < 30000));
      rows.add(
          row("rollback: worst of " + ROLLBACKS, fmt(worst) + " ms", "< 30000 ms", worst < 30000));
    }
    String table = table(rows);
    System.out.println(table);
    if (args.length > 0) {
      String when = DateTimeFormatter.ISO_INSTANT.format(Instant.now());
      Files.writeString(
          Path.of(args[0]),
          "# kaleem-operator benchmark\n\n"
              + "Run "
              + when
              + " on "
              + Runtime.getRuntime().availableProcessors()
              + " CPUs (load average at start "
              + LOAD_AT_START
              + "), Java "
              + System.getProperty("java.version")
              + ". Fabric8 mock API server (CRUD mode) and in-process MongoDB-wire server in the"
              + " operator's JVM; a stand-in deployment controller marks new templates available."
              + "\n\n"
              + table
              + "\n");
    }
  }

  private static KaleemTenantSpec spec(String name) {
    KaleemTenantSpec spec = OperatorHarness.spec(name);
    spec.rollout.stabilizationSeconds = 0;
    return spec;
  }

  /** Stand-in for kube-controller-manager: every new template becomes available at once. */
  static Watch deploymentController(OperatorHarness h) {
    return h.client
        .apps()
        .deployments()
        .inNamespace(OperatorHarness.NS)
        .watch(
            new Watcher<Deployment>() {
              @Override
              public void eventReceived(Action action, Deployment d) {
                if (action == Action.DELETED) {
                  return;
                }
                Long gen = d.getMetadata().getGeneration();
                boolean seen =
                    d.getStatus() != null
                        && d.getStatus().getObservedGeneration() != null
                        && d.getStatus().getObservedGeneration().equals(gen);
                String image =
                    d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
                if (!seen && !image.endsWith("-broken")) {
                  String tenant = d.getMetadata().getName().replaceFirst("-api$", "");
                  try {
                    h.markAvailable(tenant);
                  } catch (RuntimeException e) {
                    // a newer version arrived meanwhile; its own event marks it
                  }
                }
              }

              @Override
              public void onClose(WatcherException cause) {}
            });
  }

  static double percentile(Timer t, double p) {
    for (ValueAtPercentile v : t.takeSnapshot().percentileValues()) {
      if (Math.abs(v.percentile() - p) < 1e-9) {
        return v.value(TimeUnit.SECONDS);
      }
    }
    return Double.NaN;
  }

  static String[] row(String what, String value, String target, boolean met) {
    return new String[] {what, value, target, target.isEmpty() ? "" : met ? "met" : "MISSED"};
  }

  static String table(List<String[]> rows) {
    StringBuilder b = new StringBuilder("| measure | value | target | |\n|---|---:|---|---|\n");
    rows.forEach(r -> b.append("| ").append(String.join(" | ", r)).append(" |\n"));
    return b.toString();
  }

  static String fmt(double d) {
    return String.format(Locale.ROOT, d >= 100 ? "%.0f" : "%.2f", d);
  }
}
