package io.kaleem.operator.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.crds.v1alpha1.KaleemTenantStatus.Phase;
import io.kaleem.operator.OperatorOptions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rollout scenarios of issue 11, each on the simulated cluster with the real operator. Every
 * one of them fails against the operator as it was before the rollout decision was rewritten (the
 * comment on each says how) and passes now.
 */
class RolloutScenariosTest {

  static final String V1 = "ghcr.io/kaleem/api:1.0.0";
  static final String V2 = "ghcr.io/kaleem/api:2.0.0";
  static final String V3 = "ghcr.io/kaleem/api:2.0.1";

  SimCluster sim;

  @BeforeEach
  void up() throws Exception {
    sim = new SimCluster();
    sim.startOperator();
  }

  @AfterEach
  void down() {
    sim.close();
  }

  static Duration s(long seconds) {
    return Duration.ofSeconds(seconds);
  }

  /** Onboards {@code name} with {@link #V1} and lets it become the last good revision. */
  String goodFirstRevision(String name, KaleemTenantSpec spec) {
    sim.create(name, spec);
    return sim.runUntil(name, t -> t.getStatus().lastGoodRevision != null, s(300))
        .getStatus()
        .lastGoodRevision;
  }

  static boolean phase(KaleemTenant t, Phase p) {
    return t.getStatus().phase == p;
  }

  /**
   * Before: the Deployment's ProgressDeadlineExceeded of the first revision was read without
   * checking observedGeneration, so the fix failed on sight and was never judged again.
   */
  @Test
  void staleProgressDeadlineExceededDoesNotFailTheFix() {
    sim.kubelet.image(V1, ImageBehaviour.missing());
    KaleemTenantSpec spec = SimCluster.spec("stale");
    spec.rollout.progressDeadlineSeconds = 60;
    sim.create("stale", spec);
    KaleemTenant failed = sim.runUntil("stale", t -> phase(t, Phase.Failed), s(300));
    assertThat(failed.getStatus().conditions)
        .anyMatch(c -> c.getType().equals("RolloutHealthy") && c.getStatus().equals("False"));
    assertThat(sim.deployment("stale-api").getStatus().getConditions())
        .anyMatch(c -> "ProgressDeadlineExceeded".equals(c.getReason()));

    // The fix; the deployment controller takes 5 s to look at it, so its status stays stale.
    sim.deployments.observeLag(s(5));
    sim.editSpec("stale", x -> x.api.image = V2);
    KaleemTenant fixed =
        sim.runUntil("stale", t -> t.getStatus().lastGoodRevision != null, s(300), s(1));
    assertThat(fixed.getStatus().failedRevision).isNull();
    assertThat(fixed.getStatus().lastGoodRevision).isEqualTo(sim.runningRevision("stale-api"));
    assertThat(fixed.getStatus().phase).isEqualTo(Phase.Ready);
  }

  /** Before: as above, the first revision's verdict stuck to the fix. */
  @Test
  void firstRevisionFailsThenTheFixReachesReady() {
    sim.kubelet.image(V1, ImageBehaviour.crashLoop(3));
    sim.create("first", SimCluster.spec("first"));
    KaleemTenant failed = sim.runUntil("first", t -> phase(t, Phase.Failed), s(600));
    String bad = failed.getStatus().failedRevision;
    assertThat(bad).isNotNull();
    assertThat(failed.getStatus().rollbackHistory).as("nothing to roll back to").isEmpty();

    sim.editSpec("first", x -> x.api.image = V2);
    KaleemTenant ready = sim.runUntil("first", t -> phase(t, Phase.Ready), s(600));
    assertThat(ready.getStatus().lastGoodRevision).isNotEqualTo(bad);
    assertThat(ready.getStatus().failedRevision).isNull();
  }

  /**
   * Before: the operator's own deadline meant "not available N seconds after the apply"; an HPA
   * scale-up after the deadline, during stabilisation, rolled a healthy revision back.
   */
  @Test
  void hpaScaleUpDuringStabilisationIsNotAFailure() {
    KaleemTenantSpec spec = SimCluster.spec("hpa");
    spec.api.autoscaling.enabled = true;
    spec.api.autoscaling.minReplicas = 2;
    spec.api.autoscaling.maxReplicas = 10;
    String good = goodFirstRevision("hpa", spec);

    sim.kubelet.image(V2, ImageBehaviour.slowStart(45));
    sim.editSpec(
        "hpa",
        x -> {
          x.api.image = V2;
          x.rollout.progressDeadlineSeconds = 60;
          x.rollout.stabilizationSeconds = 300;
        });
    KaleemTenant stabilising =
        sim.runUntil(
            "hpa",
            t -> !good.equals(t.getStatus().currentRevision) && t.getStatus().healthySince != null,
            s(300));
    String rev = stabilising.getStatus().currentRevision;
    assertThat(rev).isNotEqualTo(good);
    sim.runFor(s(90), s(2), null, "hpa"); // past the 60 s deadline, still stabilising
    sim.autoscaler.utilization("hpa-api", 210); // 2 -> 6 replicas, each 45 s to become ready
    sim.runFor(
        s(40),
        s(2),
        t ->
            assertThat(t.getStatus().rollbackHistory).as("no rollback during a scale-up").isEmpty(),
        "hpa");
    assertThat(sim.deployment("hpa-api").getSpec().getReplicas()).isEqualTo(6);
    KaleemTenant promoted =
        sim.runUntil("hpa", t -> rev.equals(t.getStatus().lastGoodRevision), s(400));
    assertThat(promoted.getStatus().rollbackHistory).isEmpty();
    assertThat(promoted.getStatus().phase).isEqualTo(Phase.Ready);
  }

  /**
   * Before: not-ready time ran from pod creation (image pull and start-up included), 30 s by
   * default, while the startup probe allows 120 s: a 90 s start was rolled back.
   */
  @Test
  void slowButHealthyStartIsPromoted() {
    String good = goodFirstRevision("slow", SimCluster.spec("slow"));
    sim.kubelet.image(V2, ImageBehaviour.slowStart(90));
    sim.editSpec("slow", x -> x.api.image = V2);
    KaleemTenant t =
        sim.runUntil(
            "slow",
            x ->
                !good.equals(x.getStatus().lastGoodRevision)
                    || !x.getStatus().rollbackHistory.isEmpty(),
            s(600));
    assertThat(t.getStatus().rollbackHistory).isEmpty();
    assertThat(t.getStatus().lastGoodRevision).isEqualTo(sim.runningRevision("slow-api"));
  }

  /** Before: ErrImagePull rolled back on first sight; the kubelet retries and this one recovers. */
  @Test
  void transientImagePullErrorRecovers() {
    String good = goodFirstRevision("pull", SimCluster.spec("pull"));
    sim.kubelet.image(V2, ImageBehaviour.pullFailsThenWorks(2));
    sim.editSpec("pull", x -> x.api.image = V2);
    KaleemTenant t =
        sim.runUntil(
            "pull",
            x ->
                !good.equals(x.getStatus().lastGoodRevision)
                    || !x.getStatus().rollbackHistory.isEmpty(),
            s(600));
    assertThat(t.getStatus().rollbackHistory).isEmpty();
    assertThat(t.getStatus().lastGoodRevision).isEqualTo(sim.runningRevision("pull-api"));
  }

  /**
   * Before: a rollback target that could not start was reported healthy, and a rollback that
   * re-rendered it could alternate between two failing revisions. Now: Failed, one Warning, and the
   * operator stops acting.
   */
  @Test
  void lastGoodTargetThatCannotStartStopsTheOperatorActing() {
    String good = goodFirstRevision("lost", SimCluster.spec("lost"));
    // Ready 5 s after each start, exits 40 s after it: the rollout completes, then crash-loops.
    sim.kubelet.image(V2, new ImageBehaviour(2, 0, 5, 40, 0, false, 0, 0));
    sim.editSpec(
        "lost",
        x -> {
          x.api.image = V2;
          x.rollout.stabilizationSeconds = 600;
          x.rollout.progressDeadlineSeconds = 60;
        });
    // The new revision completes (the old pods go), then crash-loops.
    sim.runUntil(
        "lost",
        t -> !good.equals(t.getStatus().currentRevision) && t.getStatus().healthySince != null,
        s(300));
    sim.kubelet.image(V1, ImageBehaviour.missing()); // the old tag was deleted from the registry
    KaleemTenant failed = sim.runUntil("lost", t -> phase(t, Phase.Failed), s(900));
    assertThat(failed.getStatus().failedRollbackRevision).isEqualTo(good);
    assertThat(failed.getStatus().rollbackHistory).hasSize(1);
    assertThat(sim.runningRevision("lost-api")).isEqualTo(good);
    int writes = sim.deploymentWrites.size();
    sim.runFor(
        s(600),
        s(5),
        t -> {
          assertThat(t.getStatus().phase).isEqualTo(Phase.Failed);
          assertThat(t.getStatus().rollbackHistory).hasSize(1);
        },
        "lost");
    assertThat(sim.deploymentWrites).as("no flip-flop").hasSize(writes);
  }

  /**
   * Before: a rollback re-rendered the last good spec with today's code and the failed revision was
   * keyed on the rendered hash; an operator upgrade that renders differently re-deployed the
   * known-bad spec.
   */
  @Test
  void operatorUpgradeThatChangesRenderingDoesNotRedeployAKnownBadRevision() throws Exception {
    String good = goodFirstRevision("upg", SimCluster.spec("upg"));
    sim.kubelet.image(V2, ImageBehaviour.crashLoop(3));
    sim.editSpec("upg", x -> x.api.image = V2);
    KaleemTenant back =
        sim.runUntil(
            "upg",
            t -> phase(t, Phase.RolledBack) && good.equals(sim.runningRevision("upg-api")),
            s(600));
    String bad = back.getStatus().failedRevision;

    sim.stopOperator();
    sim.startOperator(
        OperatorOptions.defaults().withPodAnnotations(Map.of("platform.kaleem.io/mesh", "v2")));
    int from = sim.deploymentWrites.size();
    sim.runFor(s(300), s(5), null, "upg");
    assertThat(sim.deploymentWrites.subList(from, sim.deploymentWrites.size()))
        .as("the known-bad spec is not deployed again, whatever it renders to now")
        .isEmpty();
    assertThat(sim.runningRevision("upg-api")).isEqualTo(good);
    KaleemTenant after = sim.get("upg");
    assertThat(after.getStatus().phase).isEqualTo(Phase.RolledBack);
    assertThat(after.getStatus().failedRevision).isEqualTo(bad);
  }

  /**
   * Before: the rollback was written to the Deployment first and recorded in status after; a crash
   * in between lost the record, and the restarted operator deployed the bad revision again.
   */
  @Test
  void crashBetweenTheRollbackWriteAndTheStatusPatchDoesNotRedeployTheBadRevision()
      throws Exception {
    String good = goodFirstRevision("crash", SimCluster.spec("crash"));
    sim.kubelet.image(V2, ImageBehaviour.neverReadyImage());
    sim.editSpec(
        "crash",
        x -> {
          x.api.image = V2;
          x.rollout.progressDeadlineSeconds = 60;
        });
    KaleemTenant rolling =
        sim.runUntil("crash", t -> !good.equals(t.getStatus().currentRevision), s(60));
    String bad = rolling.getStatus().currentRevision;
    sim.runUntil("crash", t -> bad.equals(sim.runningRevision("crash-api")), s(30));
    sim.runFor(s(55), s(1), null, "crash");
    // From now on the operator dies right after its first write of the rollback, whichever it is.
    sim.crashAfter(
        r ->
            ("PUT".equals(r.getMethod()) && r.getPath().contains("/deployments/"))
                || ("PATCH".equals(r.getMethod()) && r.getPath().contains("/kaleemtenants/")));
    for (int i = 0; i < 60 && !sim.crashed(); i++) {
      sim.step(s(1));
    }
    assertThat(sim.crashed()).isTrue();
    sim.stopOperator();
    int from = sim.deploymentWrites.size();
    sim.startOperator();
    KaleemTenant after =
        sim.runUntil(
            "crash",
            t -> phase(t, Phase.RolledBack) && good.equals(sim.runningRevision("crash-api")),
            s(300));
    assertThat(sim.deploymentWrites.subList(from, sim.deploymentWrites.size()))
        .as("the restarted operator never deploys the bad revision again")
        .doesNotContain("crash-api=" + bad);
    assertThat(after.getStatus().rollbackHistory).hasSize(1);
    assertThat(after.getStatus().failedRevision).isEqualTo(bad);
  }

  /** The controls: a paused tenant is not rolled out; a retry tries a failed spec again. */
  @Test
  void pauseHoldsTheRolloutAndRetryTriesTheFailedSpecAgain() {
    String good = goodFirstRevision("ctl", SimCluster.spec("ctl"));
    sim.kubelet.image(V2, ImageBehaviour.crashLoop(3));
    sim.editSpec("ctl", x -> x.api.image = V2);
    KaleemTenant back =
        sim.runUntil(
            "ctl",
            t -> phase(t, Phase.RolledBack) && good.equals(sim.runningRevision("ctl-api")),
            s(600));
    String bad = back.getStatus().failedRevision;

    // The crash was outside the image (a dependency, since fixed): try the same spec again.
    sim.kubelet.image(V2, ImageBehaviour.healthy());
    sim.annotate("ctl", "kaleem.io/retry", "1");
    KaleemTenant retried =
        sim.runUntil("ctl", t -> bad.equals(t.getStatus().lastGoodRevision), s(600));
    assertThat(retried.getStatus().failedRevision).isNull();
    assertThat(retried.getStatus().retryToken).isEqualTo("1");

    // Paused: a spec change is not rolled out until the pause is lifted.
    sim.annotate("ctl", "kaleem.io/paused", "true");
    int writes = sim.deploymentWrites.size();
    sim.editSpec("ctl", x -> x.api.image = V3);
    sim.runFor(s(60), s(2), null, "ctl");
    assertThat(sim.deploymentWrites).hasSize(writes);
    assertThat(sim.runningRevision("ctl-api")).isEqualTo(bad);
    sim.annotate("ctl", "kaleem.io/paused", "false");
    KaleemTenant resumed =
        sim.runUntil(
            "ctl",
            t ->
                t.getStatus().lastGoodRevision != null
                    && !bad.equals(t.getStatus().lastGoodRevision),
            s(600));
    assertThat(resumed.getStatus().lastGoodRevision).isEqualTo(sim.runningRevision("ctl-api"));
  }
}
