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

  /** {@code rollingBack: true} in a status patch, as a JSON merge patch or a JSON patch. */
  static final java.util.regex.Pattern ROLLING_BACK =
      java.util.regex.Pattern.compile("rollingBack\"(,\"value\")?:true");

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

  /**
   * Onboards {@code name}, rolls {@link #V2} out running as {@code v2}, and checks that it becomes
   * the last good revision with no rollback on the way.
   */
  void promotedWithoutRollback(String name, ImageBehaviour v2) {
    String good = goodFirstRevision(name, SimCluster.spec(name));
    sim.kubelet.image(V2, v2);
    sim.editSpec(name, x -> x.api.image = V2);
    KaleemTenant t =
        sim.runUntil(
            name,
            x ->
                !good.equals(x.getStatus().lastGoodRevision)
                    || !x.getStatus().rollbackHistory.isEmpty(),
            s(600));
    assertThat(t.getStatus().rollbackHistory).isEmpty();
    assertThat(t.getStatus().lastGoodRevision).isEqualTo(sim.runningRevision(name + "-api"));
  }

  /** Runs until {@code name} has rolled back to {@code good} and the rollback is complete. */
  KaleemTenant rolledBackTo(String name, String good) {
    return sim.runUntil(
        name,
        t ->
            phase(t, Phase.RolledBack)
                && !Boolean.TRUE.equals(t.getStatus().rollingBack)
                && good.equals(sim.runningRevision(name + "-api")),
        s(600));
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
    promotedWithoutRollback("slow", ImageBehaviour.slowStart(90));
  }

  /** Before: ErrImagePull rolled back on first sight; the kubelet retries and this one recovers. */
  @Test
  void transientImagePullErrorRecovers() {
    promotedWithoutRollback("pull", ImageBehaviour.pullFailsThenWorks(2));
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
   * An operator upgrade that renders differently (here: a platform-wide pod annotation, which is
   * part of every pod template and so of every revision hash). Two tenants: one rolled back from a
   * known-bad spec, one healthy.
   *
   * <p>How a naive operator fails it: one that re-renders the last good spec on rollback (or keys
   * the failed revision on the rendered hash) sees a "new" revision for the rolled-back tenant and
   * deploys the known-bad spec again (a write of {@code upg-api}); one that renders every spec with
   * its current code re-rolls the healthy tenant to a revision nobody asked for (a write of {@code
   * upg-ok-api}, a new Deployment generation, every pod replaced). Both writes are asserted absent.
   * The new rendering still reaches a tenant with its next spec change.
   */
  @Test
  void operatorUpgradeThatChangesRenderingDoesNotRedeployAKnownBadRevision() throws Exception {
    String healthy = goodFirstRevision("upg-ok", SimCluster.spec("upg-ok"));
    String good = goodFirstRevision("upg", SimCluster.spec("upg"));
    sim.kubelet.image(V2, ImageBehaviour.crashLoop(3));
    sim.editSpec("upg", x -> x.api.image = V2);
    KaleemTenant back = rolledBackTo("upg", good);
    String bad = back.getStatus().failedRevision;
    long healthyGeneration = sim.deployment("upg-ok-api").getMetadata().getGeneration();
    var healthyPods = podNames("upg-ok");

    sim.stopOperator();
    sim.startOperator(
        OperatorOptions.defaults().withPodAnnotations(Map.of("platform.kaleem.io/mesh", "v2")));
    int from = sim.deploymentWrites.size();
    sim.runFor(s(300), s(5), null, "upg");
    assertThat(sim.deploymentWrites.subList(from, sim.deploymentWrites.size()))
        .as("neither the known-bad spec nor a re-rendered healthy tenant is deployed")
        .isEmpty();
    assertThat(sim.runningRevision("upg-api")).isEqualTo(good);
    KaleemTenant after = sim.get("upg");
    assertThat(after.getStatus().phase).isEqualTo(Phase.RolledBack);
    assertThat(after.getStatus().failedRevision).isEqualTo(bad);
    assertThat(sim.runningRevision("upg-ok-api")).isEqualTo(healthy);
    assertThat(sim.deployment("upg-ok-api").getMetadata().getGeneration())
        .as("the healthy tenant's Deployment is not rewritten")
        .isEqualTo(healthyGeneration);
    assertThat(podNames("upg-ok"))
        .as("no pod of the healthy tenant replaced")
        .isEqualTo(healthyPods);
    assertThat(sim.get("upg-ok").getStatus().phase).isEqualTo(Phase.Ready);

    // The tenant's next spec change is rendered by the new operator.
    sim.editSpec("upg-ok", x -> x.api.replicas = 3);
    KaleemTenant changed =
        sim.runUntil(
            "upg-ok",
            t ->
                t.getStatus().lastGoodRevision != null
                    && !healthy.equals(t.getStatus().lastGoodRevision),
            s(300));
    assertThat(sim.deployment("upg-ok-api").getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("platform.kaleem.io/mesh", "v2");
    assertThat(changed.getStatus().rollbackHistory).isEmpty();
  }

  java.util.Set<String> podNames(String tenant) {
    return sim
        .client
        .pods()
        .inNamespace(SimCluster.NS)
        .withLabel("kaleem.io/tenant", tenant)
        .list()
        .getItems()
        .stream()
        .map(p -> p.getMetadata().getName())
        .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
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
    assertThat(sim.get("crash").getStatus().rollingBack)
        .as("still judging the bad revision")
        .isNull();
    // From now on the operator dies right after its first write of the rollback, whichever it is:
    // the status patch that records the decision, or a Deployment write (the bad revision is
    // written already, so the operator's next Deployment write can only be the rollback's).
    sim.crashAfter(
        (r, body) ->
            (!"GET".equals(r.getMethod()) && r.getPath().contains("/deployments/"))
                || ("PATCH".equals(r.getMethod())
                    && r.getPath().contains("/kaleemtenants/")
                    && ROLLING_BACK.matcher(body.replaceAll("\\s", "")).find()));
    for (int i = 0; i < 120 && !sim.crashed(); i++) {
      sim.step(s(1));
    }
    assertThat(sim.crashed()).isTrue();
    sim.stopOperator();
    // What the crash left: the decision persisted (status names the rollback), nothing acted on.
    KaleemTenant left = sim.get("crash");
    assertThat(left.getStatus().rollingBack).as("the decision was persisted first").isTrue();
    assertThat(left.getStatus().currentRevision).isEqualTo(good);
    assertThat(left.getStatus().rollbackHistory).hasSize(1);
    assertThat(sim.runningRevision("crash-api")).as("not acted on yet").isEqualTo(bad);
    int from = sim.deploymentWrites.size();
    sim.startOperator();
    KaleemTenant after =
        sim.runUntil(
            "crash",
            t ->
                phase(t, Phase.RolledBack)
                    && !Boolean.TRUE.equals(t.getStatus().rollingBack)
                    && good.equals(sim.runningRevision("crash-api")),
            s(300));
    sim.runFor(s(60), s(5), null, "crash");
    assertThat(sim.deploymentWrites.subList(from, sim.deploymentWrites.size()))
        .as("the restarted operator completes the rollback once: one flip, never back to bad")
        .containsExactly("crash-api=" + good);
    assertThat(after.getStatus().rollbackHistory).hasSize(1);
    assertThat(after.getStatus().failedRevision).isEqualTo(bad);
  }

  /**
   * The last good snapshot pins images to the digests the kubelet reported ({@code
   * status.containerStatuses[].imageID}). After the good revision ran, its tag is re-pointed at new
   * content that crash-loops (a re-push of {@code 1.0.0}). A rollback that deployed the tag (a spec
   * re-rendered, or a template stored with tags) would pull the new content, fail, and end Failed;
   * the pinned rollback runs the recorded bytes and ends RolledBack.
   */
  @Test
  void rollbackDeploysTheRecordedDigestNotTheTagResolvedAgain() {
    String good = goodFirstRevision("dig", SimCluster.spec("dig"));
    String recorded = sim.kubelet.digestOf(V1);
    String pinned = "ghcr.io/kaleem/api@" + recorded;
    var snapshot =
        sim.client
            .apps()
            .controllerRevisions()
            .inNamespace(SimCluster.NS)
            .withName(sim.get("dig").getStatus().lastGoodSnapshot)
            .get();
    assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(snapshot.getData()))
        .as("the snapshot holds the rendered template with the digest that ran")
        .contains("\"image\":\"" + pinned + "\"");
    sim.runFor(s(20), s(5), null, "dig");
    assertThat(image("dig-api"))
        .as("promotion does not re-roll the running pods onto the pinned template")
        .isEqualTo(V1);

    String repushed = sim.kubelet.repoint(V1, ImageBehaviour.crashLoop(3));
    assertThat(repushed).isNotEqualTo(recorded);
    sim.kubelet.image(V2, ImageBehaviour.crashLoop(3));
    sim.editSpec("dig", x -> x.api.image = V2);
    KaleemTenant back = rolledBackTo("dig", good);
    assertThat(back.getStatus().failedRollbackRevision).isNull();
    assertThat(image("dig-api")).isEqualTo(pinned);
    sim.runFor(
        s(120), s(5), t -> assertThat(t.getStatus().phase).isEqualTo(Phase.RolledBack), "dig");
    assertThat(
            sim.client
                .pods()
                .inNamespace(SimCluster.NS)
                .withLabel("kaleem.io/tenant", "dig")
                .list()
                .getItems())
        .isNotEmpty()
        .allSatisfy(
            p ->
                assertThat(p.getStatus().getContainerStatuses().get(0).getImageID())
                    .isEqualTo(pinned));
  }

  String image(String deployment) {
    return sim.deployment(deployment)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getImage();
  }

  /**
   * Readiness that flaps for less than the allowance ({@code failureThreshold × periodSeconds}, 30
   * s) is not a failure: ready 30 s, not ready 10 s, over and over. A naive operator that rolls
   * back on one not-ready sample of a once-ready pod (or on one bad sample at all) rolls this back.
   */
  @Test
  void readinessFlapsShorterThanTheAllowanceAreNotAFailure() {
    promotedWithoutRollback("flap", ImageBehaviour.flapping(40, 10));
  }

  /**
   * Readiness lost for longer than the allowance after the pods were ready (ready 30 s, then not
   * ready 60 s) fails the revision, counted from the flip. An operator that only watches restarts
   * and the progress deadline, or that promotes on the first complete observation, keeps it.
   */
  @Test
  void readinessLostForLongerThanTheAllowanceRollsBack() {
    String good = goodFirstRevision("lapse", SimCluster.spec("lapse"));
    sim.kubelet.image(V2, ImageBehaviour.flapping(90, 60));
    sim.editSpec(
        "lapse",
        x -> {
          x.api.image = V2;
          x.rollout.stabilizationSeconds = 120;
        });
    KaleemTenant back = rolledBackTo("lapse", good);
    assertThat(back.getStatus().lastGoodRevision).isEqualTo(good);
    assertThat(back.getStatus().rollbackHistory)
        .singleElement()
        .satisfies(r -> assertThat(r.reason).contains("failed readiness"));
  }

  /**
   * A revision OOM-killed 20 s after every start (exit 137, {@code OOMKilled}) is ready between
   * kills and so is briefly complete; restarts since the rollout began reach the failure threshold
   * (3) before the stabilisation window ends, and the rollback names the OOM kills. A naive
   * operator that judges readiness alone, or promotes on the first complete observation, keeps it.
   */
  @Test
  void oomKilledRestartsRollBack() {
    String good = goodFirstRevision("oom", SimCluster.spec("oom"));
    sim.kubelet.image(V2, ImageBehaviour.oomAfter(20));
    sim.editSpec(
        "oom",
        x -> {
          x.api.image = V2;
          x.rollout.stabilizationSeconds = 120;
        });
    KaleemTenant back = rolledBackTo("oom", good);
    assertThat(back.getStatus().rollbackHistory)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.reason).contains("restarted 3 times since the rollout began");
              assertThat(r.reason).contains("OOMKilled");
            });
  }

  /** The controls: a paused tenant is not rolled out; a retry tries a failed spec again. */
  @Test
  void pauseHoldsTheRolloutAndRetryTriesTheFailedSpecAgain() {
    String good = goodFirstRevision("ctl", SimCluster.spec("ctl"));
    sim.kubelet.image(V2, ImageBehaviour.crashLoop(3));
    sim.editSpec("ctl", x -> x.api.image = V2);
    KaleemTenant back = rolledBackTo("ctl", good);
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
