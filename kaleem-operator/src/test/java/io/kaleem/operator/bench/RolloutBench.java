package io.kaleem.operator.bench;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.crds.v1alpha1.KaleemTenantStatus;
import io.kaleem.operator.OperatorOptions;
import io.kaleem.operator.OperatorSettings;
import io.kaleem.operator.rollout.RolloutControls;
import io.kaleem.operator.rollout.RolloutDecision;
import io.kaleem.operator.sim.ImageBehaviour;
import io.kaleem.operator.sim.SimCluster;
import io.kaleem.operator.sim.Traffic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code bench/rollout.bench.sh}: on the cluster simulation, with the operator's default settings
 * (ROLLOUT_POLL 5 s, the default rollout spec), the time from the first failure signal (the kubelet
 * reporting the restart that reaches failureThreshold) to the rollback write (the Deployment
 * template back at the last good revision; BlueGreen: the preview scaled to zero), in simulated
 * seconds (the clock keeps moving one second per step) and in wall time; and how many evaluations
 * per second the pure {@code decide()} makes. Writes a Markdown table to the file given as first
 * argument.
 */
public final class RolloutBench {

  private static final int RUNS = Integer.getInteger("bench.runs", 3);

  private RolloutBench() {}

  public static void main(String[] args) {
    // The mock web server logs every request through java.util.logging: not part of the figures.
    java.util.logging.LogManager.getLogManager().reset();
    try {
      run(args);
      System.exit(0);
    } catch (Throwable e) {
      e.printStackTrace();
      System.exit(1);
    }
  }

  record Latency(double simSeconds, double wallMillis, long productionServedByBad) {}

  private static void run(String[] args) throws Exception {
    List<String[]> rows = new ArrayList<>();
    for (boolean blueGreen : new boolean[] {false, true}) {
      List<Latency> runs = new ArrayList<>();
      for (int i = 0; i < RUNS; i++) {
        runs.add(failureToRollback(blueGreen, "t" + i));
      }
      String what =
          blueGreen
              ? "BlueGreen: failure signal to preview scaled to 0"
              : "RollingUpdate: failure signal to rollback write";
      rows.add(
          new String[] {
            what + ", simulated time (median / worst of " + RUNS + ")",
            fmt(median(runs.stream().map(Latency::simSeconds).toList()))
                + " s / "
                + fmt(Collections.max(runs.stream().map(Latency::simSeconds).toList()))
                + " s",
            "< 10 s"
          });
      rows.add(
          new String[] {
            what + ", wall time (median / worst)",
            fmt(median(runs.stream().map(Latency::wallMillis).toList()))
                + " ms / "
                + fmt(Collections.max(runs.stream().map(Latency::wallMillis).toList()))
                + " ms",
            "< 10 s"
          });
      if (blueGreen) {
        rows.add(
            new String[] {
              "BlueGreen: production requests served by the failed candidate",
              String.valueOf(runs.stream().mapToLong(Latency::productionServedByBad).sum()),
              "0"
            });
      }
    }
    rows.add(decideRate());

    StringBuilder out = new StringBuilder();
    out.append("# Rollout benchmark\n\n");
    out.append("Run ")
        .append(Instant.now())
        .append(", 1-minute load average at the end ")
        .append(Files.readString(Path.of("/proc/loadavg")).split(" ", 4)[0])
        .append(", ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" CPUs.\n\n");
    out.append("| measure | result | target |\n|---|---:|---|\n");
    for (String[] r : rows) {
      out.append("| ")
          .append(r[0])
          .append(" | ")
          .append(r[1])
          .append(" | ")
          .append(r[2])
          .append(" |\n");
    }
    System.out.print(out);
    if (args.length > 0) {
      Files.writeString(Path.of(args[0]), out.toString());
    }
  }

  private static Latency failureToRollback(boolean blueGreen, String name) throws Exception {
    try (SimCluster sim = new SimCluster()) {
      OperatorSettings defaults = OperatorSettings.fromEnvironment(Map.of("HEALTH_PORT", "-1"));
      sim.startOperator(OperatorOptions.defaults(), defaults);
      KaleemTenantSpec spec = SimCluster.spec(name);
      spec.rollout = new KaleemTenantSpec.Rollout(); // every rollout default
      spec.rollout.stabilizationSeconds = 30; // only to onboard quickly; not on the measured path
      if (blueGreen) {
        spec.rollout.strategy = KaleemTenantSpec.Strategy.BlueGreen;
      }
      sim.create(name, spec);
      String good =
          sim.runUntil(name, t -> t.getStatus().lastGoodRevision != null, Duration.ofSeconds(600))
              .getStatus()
              .lastGoodRevision;
      Traffic production = sim.traffic(name + "-api");
      String bad = "ghcr.io/kaleem/api:9.9.9";
      sim.kubelet.image(bad, ImageBehaviour.crashLoop(3));
      sim.editSpec(
          name,
          s -> {
            s.api.image = bad;
            s.rollout.stabilizationSeconds = 120;
          });
      String badRev =
          sim.runUntil(
                  name, t -> !good.equals(t.getStatus().currentRevision), Duration.ofSeconds(60))
              .getStatus()
              .currentRevision;
      String deployment = blueGreen ? name + "-api-preview" : name + "-api";
      int threshold = spec.rollout.failureThreshold;
      // Both ends are taken from watch events: the kubelet's pod status write that reaches the
      // restart threshold, and the operator's Deployment write that rolls back.
      java.util.concurrent.atomic.AtomicLong signalNanos =
          new java.util.concurrent.atomic.AtomicLong();
      java.util.concurrent.atomic.AtomicReference<Instant> signalSim =
          new java.util.concurrent.atomic.AtomicReference<>();
      java.util.concurrent.atomic.AtomicLong writeNanos =
          new java.util.concurrent.atomic.AtomicLong();
      java.util.concurrent.atomic.AtomicReference<Instant> writeSim =
          new java.util.concurrent.atomic.AtomicReference<>();
      io.fabric8.kubernetes.client.Watch podWatch =
          sim.client
              .pods()
              .inNamespace(SimCluster.NS)
              .withLabel("kaleem.io/revision", badRev)
              .watch(
                  new io.fabric8.kubernetes.client.Watcher<Pod>() {
                    @Override
                    public void eventReceived(Action action, Pod p) {
                      if (p.getStatus() != null
                          && p.getStatus().getContainerStatuses() != null
                          && !p.getStatus().getContainerStatuses().isEmpty()
                          && p.getStatus().getContainerStatuses().get(0).getRestartCount()
                              >= threshold
                          && signalNanos.compareAndSet(0, System.nanoTime())) {
                        signalSim.set(sim.clock.instant());
                      }
                    }

                    @Override
                    public void onClose(io.fabric8.kubernetes.client.WatcherException e) {}
                  });
      io.fabric8.kubernetes.client.Watch deploymentWatch =
          sim.client
              .apps()
              .deployments()
              .inNamespace(SimCluster.NS)
              .withName(deployment)
              .watch(
                  new io.fabric8.kubernetes.client.Watcher<Deployment>() {
                    @Override
                    public void eventReceived(Action action, Deployment d) {
                      if (signalNanos.get() != 0
                          && rolledBack(d, good, blueGreen)
                          && writeNanos.compareAndSet(0, System.nanoTime())) {
                        writeSim.set(sim.clock.instant());
                      }
                    }

                    @Override
                    public void onClose(io.fabric8.kubernetes.client.WatcherException e) {}
                  });
      try {
        for (int i = 0; i < 1800 && writeNanos.get() == 0; i++) {
          sim.step(Duration.ofSeconds(1));
        }
        // Events are delivered asynchronously: give the last ones a moment.
        for (int i = 0; i < 200 && writeNanos.get() == 0; i++) {
          Thread.sleep(10);
        }
      } finally {
        podWatch.close();
        deploymentWatch.close();
      }
      if (writeNanos.get() == 0) {
        throw new IllegalStateException("no rollback within 1800 simulated seconds");
      }
      double simSeconds = Duration.between(signalSim.get(), writeSim.get()).toMillis() / 1000.0;
      return new Latency(
          simSeconds, (writeNanos.get() - signalNanos.get()) / 1e6, production.servedBy(badRev));
    }
  }

  private static boolean rolledBack(Deployment d, String good, boolean blueGreen) {
    if (d == null) {
      return false;
    }
    if (blueGreen) {
      return d.getSpec().getReplicas() != null && d.getSpec().getReplicas() == 0;
    }
    return good.equals(
        d.getSpec().getTemplate().getMetadata().getLabels().get("kaleem.io/revision"));
  }

  /** decide() on three inputs (in progress, failing, promotable) in turn. */
  private static String[] decideRate() {
    List<RolloutDecision.Input> inputs = new ArrayList<>();
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    for (int kind = 0; kind < 3; kind++) {
      KaleemTenantSpec spec = new KaleemTenantSpec();
      KaleemTenantStatus st = new KaleemTenantStatus();
      st.lastGoodRevision = "good000001";
      st.lastGoodSnapshot = "t-api-good000001";
      st.currentRevision = "new0000002";
      st.rolloutStartedAt = t0.toString();
      st.lastProgressAt = t0.toString();
      st.healthySince = kind == 2 ? t0.toString() : null;
      int ready = kind == 0 ? 1 : 2;
      Deployment d =
          new DeploymentBuilder()
              .withNewMetadata()
              .withName("t-api")
              .withGeneration(3L)
              .endMetadata()
              .withNewSpec()
              .withReplicas(2)
              .withNewTemplate()
              .withNewMetadata()
              .addToLabels("kaleem.io/revision", "new0000002")
              .endMetadata()
              .endTemplate()
              .endSpec()
              .withNewStatus()
              .withObservedGeneration(3L)
              .withReplicas(2)
              .withUpdatedReplicas(2)
              .withReadyReplicas(ready)
              .withAvailableReplicas(ready)
              .endStatus()
              .build();
      if (kind == 1) {
        d.getStatus()
            .getConditions()
            .add(
                new io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder()
                    .withType("Progressing")
                    .withStatus("False")
                    .withReason("ProgressDeadlineExceeded")
                    .build());
      }
      inputs.add(
          new RolloutDecision.Input(
              spec,
              "h",
              "new0000002",
              RolloutControls.NONE,
              st,
              d,
              List.of(),
              Optional.empty(),
              t0.plusSeconds(200),
              Duration.ofSeconds(5)));
    }
    long sink = 0;
    for (int i = 0; i < 100_000; i++) {
      sink += RolloutDecision.decide(inputs.get(i % 3)).verdicts().size();
    }
    int n = 300_000;
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      sink += RolloutDecision.decide(inputs.get(i % 3)).verdicts().size();
    }
    double secs = (System.nanoTime() - start) / 1e9;
    if (sink == 42) {
      System.out.println();
    }
    return new String[] {
      "decide() evaluations per second (one thread; in progress / failing / promotable in turn)",
      String.format(Locale.ROOT, "%,.0f/s (%.1f µs each)", n / secs, secs / n * 1e6),
      "microseconds"
    };
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, "%.1f", d);
  }
}
