package io.kaleem.operator;

import static io.kaleem.operator.OperatorHarness.NS;
import static io.kaleem.operator.OperatorHarness.condition;
import static io.kaleem.operator.OperatorHarness.phase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.crds.v1alpha1.KaleemTenantStatus.Phase;
import io.kaleem.operator.status.Conditions;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RollbackTest {

  static OperatorHarness h;

  @BeforeAll
  static void up() throws Exception {
    h = OperatorHarness.start();
  }

  @AfterAll
  static void down() {
    h.close();
  }

  static String image(String tenant) {
    return h.deployment(tenant).getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  /**
   * Waits for the operator to start rolling out a revision other than {@code goodRev}, in status
   * (persisted first) and then in the Deployment's template; returns the tenant.
   */
  static KaleemTenant awaitRollout(String name, String goodRev) {
    KaleemTenant t = h.await(name, x -> !goodRev.equals(x.getStatus().currentRevision));
    String rev = t.getStatus().currentRevision;
    h.await(
        name,
        x ->
            rev.equals(
                h.deployment(name)
                    .getSpec()
                    .getTemplate()
                    .getMetadata()
                    .getLabels()
                    .get("kaleem.io/revision")));
    return h.get(name);
  }

  /** Onboards a tenant and lets its first revision become the last good one. */
  static KaleemTenant goodFirstRevision(String name) {
    h.createMongoSecret(name + "-mongo", h.mongoUri);
    KaleemTenantSpec spec = OperatorHarness.spec(name);
    spec.rollout.stabilizationSeconds = 1;
    h.create(name, spec);
    h.await(name, t -> h.deployment(name) != null);
    h.markAvailable(name);
    KaleemTenant t =
        h.await(
            name,
            x ->
                x.getStatus() != null
                    && x.getStatus().lastGoodRevision != null
                    && x.getStatus().phase == Phase.Ready);
    assertThat(h.hasEvent(name, "RevisionPromoted")).isTrue();
    return t;
  }

  @Test
  void revisionThatNeverBecomesAvailableIsRolledBackOnceAndNotRetried() throws Exception {
    KaleemTenant good = goodFirstRevision("gamma");
    String goodRev = good.getStatus().lastGoodRevision;

    // A new image, with a long stabilisation window so only a failure can end the rollout.
    h.editSpec(
        "gamma",
        s -> {
          s.api.image = "ghcr.io/kaleem/api:2.0.0-broken";
          s.rollout.stabilizationSeconds = 600;
        });
    KaleemTenant rolling = awaitRollout("gamma", goodRev);
    String badRev = rolling.getStatus().currentRevision;
    assertThat(image("gamma")).isEqualTo("ghcr.io/kaleem/api:2.0.0-broken");
    assertThat(rolling.getStatus().phase).isEqualTo(Phase.Progressing);

    // The deployment controller gives up on the new ReplicaSet.
    h.markDeadlineExceeded("gamma");
    KaleemTenant rolledBack = h.await("gamma", phase(Phase.RolledBack));
    // The decision is persisted before it is acted on: the Deployment follows the status.
    h.await("gamma", x -> image("gamma").equals("ghcr.io/kaleem/api:1.0.0"));

    assertThat(image("gamma")).isEqualTo("ghcr.io/kaleem/api:1.0.0");
    assertThat(h.deployment("gamma").getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("kaleem.io/revision", goodRev);
    assertThat(rolledBack.getStatus().currentRevision).isEqualTo(goodRev);
    assertThat(rolledBack.getStatus().failedRevision).isEqualTo(badRev);
    assertThat(rolledBack.getStatus().rollbackHistory)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.from).isEqualTo(badRev);
              assertThat(r.to).isEqualTo(goodRev);
              assertThat(r.reason).contains("ProgressDeadlineExceeded");
            });
    assertThat(h.hasEvent("gamma", "RolledBack")).isTrue();
    assertThat(rolledBack.getSpec().api.image)
        .as("the operator never edits the spec")
        .isEqualTo("ghcr.io/kaleem/api:2.0.0-broken");

    // No retry loop: more reconciles, still the good template and one rollback.
    h.markAvailable("gamma");
    long n = h.reconciles();
    await().atMost(Duration.ofSeconds(10)).until(() -> h.reconciles() >= n + 5);
    KaleemTenant later = h.get("gamma");
    assertThat(image("gamma")).isEqualTo("ghcr.io/kaleem/api:1.0.0");
    assertThat(later.getStatus().rollbackHistory).hasSize(1);
    assertThat(later.getStatus().phase).isEqualTo(Phase.RolledBack);
    assertThat(later)
        .matches(condition(Conditions.ROLLOUT_HEALTHY, "True", "RolledBack"))
        .matches(condition(Conditions.READY, "False", "RolledBack"));

    // A spec change after a rollback is a new rollout: the operator does not fight the human.
    h.editSpec("gamma", s -> s.api.image = "ghcr.io/kaleem/api:2.0.1");
    h.await("gamma", phase(Phase.Progressing));
    h.await("gamma", x -> image("gamma").equals("ghcr.io/kaleem/api:2.0.1"));
  }

  @Test
  void crashLoopingPodsOfTheNewRevisionTriggerRollback() {
    KaleemTenant good = goodFirstRevision("delta");
    String goodRev = good.getStatus().lastGoodRevision;
    h.editSpec(
        "delta",
        s -> {
          s.cache.warming.schedule = "0 0 * * * *";
          s.rollout.stabilizationSeconds = 600;
        });
    KaleemTenant rolling = awaitRollout("delta", goodRev);
    String badRev = rolling.getStatus().currentRevision;
    h.client
        .pods()
        .inNamespace(NS)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("delta-api-7f9c-abcde")
                .addToLabels("kaleem.io/tenant", "delta")
                .addToLabels("kaleem.io/revision", badRev)
                .endMetadata()
                .withNewStatus()
                .withPhase("Running")
                .addNewContainerStatus()
                .withName("api")
                .withRestartCount(3)
                .withNewState()
                .withNewWaiting()
                .withReason("CrashLoopBackOff")
                .endWaiting()
                .endState()
                .endContainerStatus()
                .endStatus()
                .build())
        .create();
    KaleemTenant rolledBack = h.await("delta", phase(Phase.RolledBack));
    h.await(
        "delta",
        x ->
            h.config("delta")
                .getData()
                .get("application.properties")
                .contains("kaleem.cache.warming.schedule=0 */15 * * * *"));
    assertThat(rolledBack.getStatus().rollbackHistory.get(0).reason)
        .contains("restarted 3 times since the rollout began (CrashLoopBackOff)");
    assertThat(h.config("delta").getData().get("application.properties"))
        .as("the last good revision's configuration is restored with its template")
        .contains("kaleem.cache.warming.schedule=0 */15 * * * *");
  }

  @Test
  void podsFailingReadinessPastTheThresholdTriggerRollback() {
    KaleemTenant good = goodFirstRevision("eta");
    String goodRev = good.getStatus().lastGoodRevision;
    h.editSpec(
        "eta",
        s -> {
          s.api.image = "ghcr.io/kaleem/api:1.2.0";
          s.rollout.stabilizationSeconds = 600;
        });
    String badRev = awaitRollout("eta", goodRev).getStatus().currentRevision;
    // Started 200 s ago, never ready: past the startup probe's 120 s and then readiness's
    // failureThreshold x period (30 s).
    h.client
        .pods()
        .inNamespace(NS)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("eta-api-5d8b-xyz12")
                .addToLabels("kaleem.io/tenant", "eta")
                .addToLabels("kaleem.io/revision", badRev)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("api")
                .withNewStartupProbe()
                .withPeriodSeconds(5)
                .withFailureThreshold(24)
                .endStartupProbe()
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .addNewCondition()
                .withType("Ready")
                .withStatus("False")
                .withLastTransitionTime(java.time.Instant.now().minusSeconds(200).toString())
                .endCondition()
                .addNewContainerStatus()
                .withName("api")
                .withRestartCount(0)
                .withNewState()
                .withNewRunning()
                .withStartedAt(java.time.Instant.now().minusSeconds(200).toString())
                .endRunning()
                .endState()
                .endContainerStatus()
                .endStatus()
                .build())
        .create();
    KaleemTenant rolledBack = h.await("eta", phase(Phase.RolledBack));
    h.await("eta", x -> image("eta").equals("ghcr.io/kaleem/api:1.0.0"));
    assertThat(rolledBack.getStatus().rollbackHistory.get(0).reason).contains("failed readiness");
    assertThat(image("eta")).isEqualTo("ghcr.io/kaleem/api:1.0.0");
  }

  @Test
  void revisionNotAvailableWithinTheDeadlineIsRolledBackByTheOperatorsOwnClock() {
    KaleemTenant good = goodFirstRevision("theta");
    String goodRev = good.getStatus().lastGoodRevision;
    // The deployment controller says nothing (status stays stale): no progress, measured by the
    // operator itself.
    h.editSpec(
        "theta",
        s -> {
          s.api.image = "ghcr.io/kaleem/api:1.3.0";
          s.rollout.progressDeadlineSeconds = 10;
          s.rollout.stabilizationSeconds = 600;
        });
    awaitRollout("theta", goodRev);
    KaleemTenant rolledBack = h.await("theta", phase(Phase.RolledBack), Duration.ofSeconds(40));
    h.await("theta", x -> image("theta").equals("ghcr.io/kaleem/api:1.0.0"));
    assertThat(rolledBack.getStatus().rollbackHistory.get(0).reason)
        .contains("made no progress for")
        .contains("(progress deadline 10s)");
    assertThat(image("theta")).isEqualTo("ghcr.io/kaleem/api:1.0.0");
  }

  @Test
  void withAutoRollbackOffAFailedRevisionIsReportedAndLeftInPlace() {
    KaleemTenant good = goodFirstRevision("iota");
    String goodRev = good.getStatus().lastGoodRevision;
    h.editSpec(
        "iota",
        s -> {
          s.api.image = "ghcr.io/kaleem/api:1.4.0";
          s.rollout.autoRollback = false;
          s.rollout.stabilizationSeconds = 600;
        });
    awaitRollout("iota", goodRev);
    h.markDeadlineExceeded("iota");
    KaleemTenant t =
        h.await(
            "iota",
            phase(Phase.Degraded)
                .and(condition(Conditions.ROLLOUT_HEALTHY, "False", "RevisionFailed")));
    assertThat(t).matches(condition(Conditions.ROLLOUT_HEALTHY, "False", "RevisionFailed"));
    assertThat(t.getStatus().rollbackHistory).isEmpty();
    assertThat(image("iota")).isEqualTo("ghcr.io/kaleem/api:1.4.0");
    assertThat(h.hasEvent("iota", "RolloutFailed")).isTrue();

    // Later passes (resync, deployment events) leave the failed revision running, too.
    long seen = h.reconciles();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> h.reconciles() >= seen + 2);
    assertThat(image("iota")).isEqualTo("ghcr.io/kaleem/api:1.4.0");
    assertThat(h.get("iota")).matches(phase(Phase.Degraded));
    assertThat(h.get("iota").getStatus().rollbackHistory).isEmpty();
  }

  @Test
  void firstRevisionFailingHasNothingToRollBackToAndIsReportedFailed() {
    h.createMongoSecret("eps-mongo", h.mongoUri);
    KaleemTenantSpec spec = OperatorHarness.spec("eps");
    spec.rollout.stabilizationSeconds = 600;
    h.create("eps", spec);
    h.await("eps", t -> h.deployment("eps") != null);
    h.markDeadlineExceeded("eps");
    KaleemTenant t =
        h.await(
            "eps",
            phase(Phase.Failed)
                .and(condition(Conditions.ROLLOUT_HEALTHY, "False", "RevisionFailed")));
    assertThat(t).matches(condition(Conditions.ROLLOUT_HEALTHY, "False", "RevisionFailed"));
    assertThat(t.getStatus().rollbackHistory).isEmpty();
    assertThat(h.hasEvent("eps", "RolloutFailed")).isTrue();
  }
}
