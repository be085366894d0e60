package io.kaleem.operator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.crds.v1alpha1.KaleemTenantStatus;
import io.kaleem.crds.v1alpha1.KaleemTenantStatus.Phase;
import io.kaleem.operator.rollout.RolloutDecision.Decision;
import io.kaleem.operator.rollout.RolloutDecision.Target;
import io.kaleem.operator.status.Conditions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The decision table of docs/OPERATOR.md, one row per case, on the pure function. */
class RolloutDecisionTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final String GOOD = "good000001";
  static final String NEW = "new0000002";
  static final String SPEC = "spec-hash-new";

  /** One row: a name, how to build the input, and what the decision must be. */
  record Row(String name, Consumer<In> given, Consumer<Decision> expect) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** A mutable input, defaults: NEW rolling out for 100 s over GOOD, nothing observed yet. */
  static final class In {
    KaleemTenantSpec spec = new KaleemTenantSpec();
    String specHash = SPEC;
    String desired = NEW;
    RolloutControls controls = RolloutControls.NONE;
    KaleemTenantStatus status = new KaleemTenantStatus();
    Deployment deployment;
    List<Pod> pods = new ArrayList<>();
    Optional<AnalysisResult> analysis = Optional.empty();
    Instant now = T0.plusSeconds(100);

    In() {
      status.lastGoodRevision = GOOD;
      status.lastGoodSnapshot = "t-api-" + GOOD;
      status.currentRevision = NEW;
      status.rolloutStartedAt = T0.toString();
      status.lastProgressAt = T0.toString();
      spec.rollout.stabilizationSeconds = 60;
    }

    Decision decide() {
      return RolloutDecision.decide(
          new RolloutDecision.Input(
              spec,
              specHash,
              desired,
              controls,
              status,
              deployment,
              pods,
              analysis,
              now,
              Duration.ofSeconds(5)));
    }
  }

  static Deployment deployment(
      String rev, long gen, long observed, int desired, int updated, int ready, String... reasons) {
    DeploymentBuilder b =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName("t-api")
            .withGeneration(gen)
            .endMetadata()
            .withNewSpec()
            .withReplicas(desired)
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("kaleem.io/revision", rev)
            .endMetadata()
            .endTemplate()
            .endSpec()
            .withNewStatus()
            .withObservedGeneration(observed)
            .withReplicas(Math.max(desired, updated))
            .withUpdatedReplicas(updated)
            .withReadyReplicas(ready)
            .withAvailableReplicas(ready)
            .endStatus();
    Deployment d = b.build();
    for (String r : reasons) {
      d.getStatus()
          .getConditions()
          .add(
              new DeploymentConditionBuilder()
                  .withType("Progressing")
                  .withStatus("False")
                  .withReason(r)
                  .withMessage("ReplicaSet has timed out progressing.")
                  .build());
    }
    return d;
  }

  static Pod pod(
      String name,
      String rev,
      Instant startedAt,
      boolean ready,
      Instant readySince,
      int restarts,
      String waiting) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .addToLabels("kaleem.io/revision", rev)
            .withCreationTimestamp(T0.plusSeconds(1).toString())
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
            .withPhase(startedAt == null ? "Pending" : "Running")
            .addNewCondition()
            .withType("Ready")
            .withStatus(ready ? "True" : "False")
            .withLastTransitionTime(readySince.toString())
            .endCondition()
            .addNewContainerStatus()
            .withName("api")
            .withRestartCount(restarts)
            .withReady(ready)
            .withNewState()
            .endState()
            .endContainerStatus()
            .endStatus();
    Pod p = b.build();
    var state = p.getStatus().getContainerStatuses().get(0).getState();
    if (waiting != null) {
      state.setWaiting(new io.fabric8.kubernetes.api.model.ContainerStateWaiting(null, waiting));
    } else if (startedAt != null) {
      state.setRunning(
          new io.fabric8.kubernetes.api.model.ContainerStateRunning(startedAt.toString()));
    }
    return p;
  }

  static String reason(Decision d, String type) {
    return d.verdicts().stream()
        .filter(v -> v.type().equals(type))
        .findFirst()
        .orElseThrow()
        .reason();
  }

  static Stream<Row> table() {
    return Stream.of(
        new Row(
            "a new spec starts a rollout and persists its start",
            in -> in.status.currentRevision = GOOD,
            d -> {
              assertThat(d.target()).isEqualTo(Target.DESIRED);
              assertThat(d.status().currentRevision).isEqualTo(NEW);
              assertThat(d.status().rolloutStartedAt)
                  .isEqualTo(RolloutDecision.ts(T0.plusSeconds(100)));
              assertThat(d.notes())
                  .extracting(RolloutDecision.Note::reason)
                  .containsExactly("RolloutStarted");
            }),
        new Row(
            "stale ProgressDeadlineExceeded (observedGeneration < generation) is ignored",
            in -> in.deployment = deployment(NEW, 3, 2, 2, 0, 0, "ProgressDeadlineExceeded"),
            d -> {
              assertThat(d.rollback()).isEmpty();
              assertThat(d.status().failedRevision).isNull();
              assertThat(reason(d, Conditions.ROLLOUT_HEALTHY)).isEqualTo("Progressing");
            }),
        new Row(
            "ProgressDeadlineExceeded for the current generation rolls back",
            in -> in.deployment = deployment(NEW, 3, 3, 2, 1, 0, "ProgressDeadlineExceeded"),
            d -> {
              assertThat(d.target()).isEqualTo(Target.LAST_GOOD);
              assertThat(d.revision()).isEqualTo(GOOD);
              assertThat(d.rollback())
                  .get()
                  .satisfies(
                      r -> {
                        assertThat(r.from).isEqualTo(NEW);
                        assertThat(r.to).isEqualTo(GOOD);
                        assertThat(r.reason).contains("ProgressDeadlineExceeded");
                      });
              assertThat(d.status().failedSpecHash).isEqualTo(SPEC);
              assertThat(d.status().currentRevision).as("persisted before acting").isEqualTo(GOOD);
              assertThat(d.phase()).isEqualTo(Phase.RolledBack);
            }),
        new Row(
            "no progress for longer than the deadline fails the revision",
            in -> {
              in.spec.rollout.progressDeadlineSeconds = 60;
              in.status.progressMark = "2/1/0";
              in.deployment = deployment(NEW, 3, 3, 2, 1, 0);
            },
            d ->
                assertThat(d.rollback())
                    .get()
                    .extracting(r -> r.reason)
                    .asString()
                    .contains("made no progress for 100s")),
        new Row(
            "progress (a pod became ready) restarts the deadline",
            in -> {
              in.spec.rollout.progressDeadlineSeconds = 60;
              in.status.progressMark = "2/1/0";
              in.deployment = deployment(NEW, 3, 3, 2, 2, 1);
              in.pods.add(pod("p1", NEW, T0.plusSeconds(10), true, T0.plusSeconds(15), 0, null));
            },
            d -> {
              assertThat(d.rollback()).isEmpty();
              assertThat(d.status().lastProgressAt)
                  .isEqualTo(RolloutDecision.ts(T0.plusSeconds(100)));
            }),
        new Row(
            "a scale (desired changed) is new work, not a failure, after the deadline",
            in -> {
              in.spec.rollout.progressDeadlineSeconds = 60;
              in.status.progressMark = "2/2/2";
              in.status.healthySince = T0.plusSeconds(20).toString();
              in.deployment = deployment(NEW, 4, 4, 6, 6, 2);
            },
            d -> {
              assertThat(d.rollback()).isEmpty();
              assertThat(d.status().healthySince)
                  .as("stabilisation is not restarted")
                  .isEqualTo(T0.plusSeconds(20).toString());
            }),
        new Row(
            "not ready during start-up allowance is not a failure (slow start)",
            in -> {
              in.deployment = deployment(NEW, 3, 3, 2, 2, 0);
              in.pods.add(pod("p1", NEW, T0.plusSeconds(10), false, T0.plusSeconds(1), 0, null));
            },
            d -> assertThat(d.rollback()).isEmpty()),
        new Row(
            "not ready past start-up + readiness allowance fails",
            in -> {
              in.now = T0.plusSeconds(200);
              in.status.progressMark = "2/2/0";
              in.status.lastProgressAt = T0.plusSeconds(150).toString();
              in.deployment = deployment(NEW, 3, 3, 2, 2, 0);
              in.pods.add(pod("p1", NEW, T0.plusSeconds(10), false, T0.plusSeconds(1), 0, null));
            },
            d ->
                assertThat(d.rollback())
                    .get()
                    .extracting(r -> r.reason)
                    .asString()
                    .contains("failed readiness for 70s after its container started")),
        new Row(
            "a readiness flap shorter than the allowance (3 x 10 s) is not a failure",
            in -> {
              in.deployment = deployment(NEW, 3, 3, 2, 2, 1);
              // Started at 10 s, ready since, not ready again from 80 s: 20 s of a 30 s allowance.
              in.pods.add(pod("p1", NEW, T0.plusSeconds(10), false, T0.plusSeconds(80), 0, null));
            },
            d -> assertThat(d.rollback()).isEmpty()),
        new Row(
            "readiness lost after being ready counts from the flip, not after the startup allowance",
            in -> {
              in.deployment = deployment(NEW, 3, 3, 2, 2, 1);
              // Started at 10 s (startup allowance 120 s), not ready again from 60 s: 40 s > 30 s.
              in.pods.add(pod("p1", NEW, T0.plusSeconds(10), false, T0.plusSeconds(60), 0, null));
            },
            d ->
                assertThat(d.rollback())
                    .get()
                    .extracting(r -> r.reason)
                    .asString()
                    .contains("failed readiness for 40s")),
        new Row(
            "ErrImagePull is left to the deadline, never fatal on sight",
            in -> {
              in.deployment = deployment(NEW, 3, 3, 2, 2, 0);
              in.pods.add(pod("p1", NEW, null, false, T0.plusSeconds(1), 0, "ErrImagePull"));
            },
            d -> {
              assertThat(d.rollback()).isEmpty();
              assertThat(d.verdicts().get(1).message()).contains("pod p1 is ErrImagePull");
            }),
        new Row(
            "InvalidImageName never recovers: fails at once",
            in -> {
              in.deployment = deployment(NEW, 3, 3, 2, 2, 0);
              in.pods.add(pod("p1", NEW, null, false, T0.plusSeconds(1), 0, "InvalidImageName"));
            },
            d -> assertThat(d.rollback()).isPresent()),
        new Row(
            "restarts count as increases over the baseline",
            in -> {
              in.deployment = deployment(NEW, 3, 3, 2, 2, 1);
              in.status.restartBaseline.put("p1", 40);
              in.pods.add(pod("p1", NEW, T0.plusSeconds(10), true, T0.plusSeconds(11), 42, null));
            },
            d -> assertThat(d.rollback()).isEmpty()),
        new Row(
            "three restarts since the rollout began fail",
            in -> {
              in.deployment = deployment(NEW, 3, 3, 2, 2, 1);
              in.pods.add(pod("p1", NEW, null, false, T0.plusSeconds(11), 3, "CrashLoopBackOff"));
            },
            d ->
                assertThat(d.rollback())
                    .get()
                    .extracting(r -> r.reason)
                    .asString()
                    .contains("restarted 3 times")),
        new Row(
            "complete and stabilised: promoted",
            in -> {
              in.status.healthySince = T0.plusSeconds(30).toString();
              in.deployment = deployment(NEW, 3, 3, 2, 2, 2);
            },
            d -> {
              assertThat(d.promote()).isTrue();
              assertThat(d.status().lastGoodRevision).isEqualTo(NEW);
              assertThat(reason(d, Conditions.ROLLOUT_HEALTHY)).isEqualTo("Healthy");
            }),
        new Row(
            "analysis with no data is inconclusive: not promoted",
            in -> {
              in.spec.rollout.analysis = new KaleemTenantSpec.Analysis();
              in.status.healthySince = T0.plusSeconds(30).toString();
              in.deployment = deployment(NEW, 3, 3, 2, 2, 2);
              in.analysis =
                  Optional.of(
                      AnalysisResult.start(NEW)
                          .add(AnalysisResult.Kind.NO_DATA, "no data: 0 requests", 2, 4));
            },
            d -> {
              assertThat(d.promote()).isFalse();
              assertThat(reason(d, Conditions.ROLLOUT_HEALTHY)).isEqualTo("AnalysisInconclusive");
              assertThat(d.analyse()).isTrue();
            }),
        new Row(
            "one failed measurement is within failureLimit",
            in -> {
              in.spec.rollout.analysis = new KaleemTenantSpec.Analysis();
              in.deployment = deployment(NEW, 3, 3, 2, 2, 2);
              in.analysis =
                  Optional.of(
                      AnalysisResult.start(NEW)
                          .add(AnalysisResult.Kind.FAILURE, "error rate 0.2", 2, 4));
            },
            d -> assertThat(d.rollback()).isEmpty()),
        new Row(
            "failures beyond failureLimit roll back",
            in -> {
              in.spec.rollout.analysis = new KaleemTenantSpec.Analysis();
              in.deployment = deployment(NEW, 3, 3, 2, 2, 2);
              AnalysisResult a = AnalysisResult.start(NEW);
              for (int i = 0; i < 3; i++) {
                a = a.add(AnalysisResult.Kind.FAILURE, "error rate 0.2", 2, 4);
              }
              in.analysis = Optional.of(a);
            },
            d ->
                assertThat(d.rollback())
                    .get()
                    .extracting(r -> r.reason)
                    .asString()
                    .startsWith("analysis failed")),
        new Row(
            "skip-analysis promotes on Kubernetes signals alone",
            in -> {
              in.spec.rollout.analysis = new KaleemTenantSpec.Analysis();
              in.controls = new RolloutControls(false, null, true);
              in.status.healthySince = T0.plusSeconds(30).toString();
              in.deployment = deployment(NEW, 3, 3, 2, 2, 2);
            },
            d -> assertThat(d.promote()).isTrue()),
        new Row(
            "paused: hold, no decision",
            in -> {
              in.controls = new RolloutControls(true, null, false);
              in.deployment = deployment(NEW, 3, 3, 2, 1, 0, "ProgressDeadlineExceeded");
            },
            d -> {
              assertThat(d.hold()).isTrue();
              assertThat(d.rollback()).isEmpty();
            }),
        new Row(
            "a failed spec keeps the last good snapshot, whatever it renders to now",
            in -> {
              in.status.failedRevision = "oldrender1";
              in.status.failedSpecHash = SPEC;
              in.status.currentRevision = GOOD;
              in.desired = "newrender2";
            },
            d -> {
              assertThat(d.target()).isEqualTo(Target.LAST_GOOD);
              assertThat(d.revision()).isEqualTo(GOOD);
              assertThat(d.phase()).isEqualTo(Phase.RolledBack);
            }),
        new Row(
            "any spec change clears the failed revision",
            in -> {
              in.status.failedRevision = "oldrender1";
              in.status.failedSpecHash = "another-spec";
              in.status.currentRevision = GOOD;
            },
            d -> {
              assertThat(d.target()).isEqualTo(Target.DESIRED);
              assertThat(d.status().failedRevision).isNull();
              assertThat(d.status().currentRevision).isEqualTo(NEW);
            }),
        new Row(
            "kaleem.io/retry tries the failed spec again, once per value",
            in -> {
              in.status.failedRevision = NEW;
              in.status.failedSpecHash = SPEC;
              in.status.currentRevision = GOOD;
              in.controls = new RolloutControls(false, "1", false);
            },
            d -> {
              assertThat(d.target()).isEqualTo(Target.DESIRED);
              assertThat(d.status().retryToken).isEqualTo("1");
              assertThat(d.notes())
                  .extracting(RolloutDecision.Note::reason)
                  .contains("RetryRequested");
            }),
        new Row(
            "the rollback target failing too: Failed, Warning, hold",
            in -> {
              in.status.failedRevision = NEW;
              in.status.failedSpecHash = SPEC;
              in.status.currentRevision = GOOD;
              in.status.rollingBack = true;
              in.deployment = deployment(GOOD, 5, 5, 2, 1, 0, "ProgressDeadlineExceeded");
            },
            d -> {
              assertThat(d.hold()).isTrue();
              assertThat(d.phase()).isEqualTo(Phase.Failed);
              assertThat(d.status().failedRollbackRevision).isEqualTo(GOOD);
              assertThat(d.notes())
                  .extracting(RolloutDecision.Note::reason)
                  .containsExactly("RollbackFailed");
            }),
        new Row(
            "after a failed rollback the operator stays put (no flip-flop)",
            in -> {
              in.status.failedRevision = NEW;
              in.status.failedSpecHash = SPEC;
              in.status.currentRevision = GOOD;
              in.status.failedRollbackRevision = GOOD;
            },
            d -> {
              assertThat(d.hold()).isTrue();
              assertThat(d.phase()).isEqualTo(Phase.Failed);
              assertThat(d.notes()).isEmpty();
            }),
        new Row(
            "no last good and autoRollback on: Failed, left running",
            in -> {
              in.status.lastGoodRevision = null;
              in.status.lastGoodSnapshot = null;
              in.deployment = deployment(NEW, 3, 3, 2, 1, 0, "ProgressDeadlineExceeded");
            },
            d -> {
              assertThat(d.rollback()).isEmpty();
              assertThat(d.target()).isEqualTo(Target.DESIRED);
              assertThat(d.phase()).isEqualTo(Phase.Failed);
            }),
        new Row(
            "autoRollback off: Degraded, left running",
            in -> {
              in.spec.rollout.autoRollback = false;
              in.deployment = deployment(NEW, 3, 3, 2, 1, 0, "ProgressDeadlineExceeded");
            },
            d -> {
              assertThat(d.rollback()).isEmpty();
              assertThat(d.phase()).isEqualTo(Phase.Degraded);
              assertThat(d.notes())
                  .extracting(RolloutDecision.Note::reason)
                  .containsExactly("RolloutFailed");
            }),
        new Row(
            "BlueGreen promotion switches traffic",
            in -> {
              in.spec.rollout.strategy = KaleemTenantSpec.Strategy.BlueGreen;
              in.status.activeRevision = GOOD;
              in.status.healthySince = T0.plusSeconds(30).toString();
              in.deployment = deployment(NEW, 3, 3, 2, 2, 2);
            },
            d -> {
              assertThat(d.switchTraffic()).isTrue();
              assertThat(d.status().activeRevision).isEqualTo(NEW);
            }),
        new Row(
            "the promoted spec rendered differently (operator upgrade) keeps the last good snapshot",
            in -> {
              in.status.currentRevision = GOOD;
              in.status.lastGoodSpecHash = SPEC;
              in.deployment = deployment(GOOD, 3, 3, 2, 2, 2);
            },
            d -> {
              assertThat(d.target()).isEqualTo(Target.LAST_GOOD);
              assertThat(d.revision()).isEqualTo(GOOD);
              assertThat(d.status().currentRevision).as("no rollout started").isEqualTo(GOOD);
              assertThat(d.notes()).isEmpty();
              assertThat(reason(d, Conditions.ROLLOUT_HEALTHY)).isEqualTo("Healthy");
              assertThat(d.phase()).as("healthy, not RolledBack").isNull();
            }),
        new Row(
            "a changed spec is rendered with today's code, even when the last good one is kept",
            in -> {
              in.status.currentRevision = GOOD;
              in.status.lastGoodSpecHash = "spec-hash-of-the-last-good";
            },
            d -> {
              assertThat(d.target()).isEqualTo(Target.DESIRED);
              assertThat(d.status().currentRevision).isEqualTo(NEW);
            }),
        new Row(
            "kaleem.io/retry re-renders a kept tenant with today's operator",
            in -> {
              in.status.currentRevision = GOOD;
              in.status.lastGoodSpecHash = SPEC;
              in.controls = new RolloutControls(false, "2", false);
            },
            d -> {
              assertThat(d.target()).isEqualTo(Target.DESIRED);
              assertThat(d.status().currentRevision).isEqualTo(NEW);
              assertThat(d.status().lastGoodSpecHash).isNull();
            }),
        new Row(
            "promotion records the spec fingerprint of the last good revision",
            in -> {
              in.status.healthySince = T0.plusSeconds(30).toString();
              in.deployment = deployment(NEW, 3, 3, 2, 2, 2);
            },
            d -> {
              assertThat(d.promote()).isTrue();
              assertThat(d.status().lastGoodRevision).isEqualTo(NEW);
              assertThat(d.status().lastGoodSpecHash).isEqualTo(SPEC);
            }),
        new Row(
            "messages are bounded to 512 characters",
            in -> {
              in.spec.rollout.analysis = new KaleemTenantSpec.Analysis();
              in.deployment = deployment(NEW, 3, 3, 2, 2, 2);
              AnalysisResult a = AnalysisResult.start(NEW);
              for (int i = 0; i < 5; i++) {
                a = a.add(AnalysisResult.Kind.ERROR, "x".repeat(5000), 2, 4);
              }
              in.analysis = Optional.of(a);
            },
            d -> {
              assertThat(d.rollback()).isPresent();
              assertThat(d.rollback().get().reason).hasSizeLessThanOrEqualTo(512);
              assertThat(d.verdicts())
                  .allSatisfy(v -> assertThat(v.message()).hasSizeLessThanOrEqualTo(512));
            }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void decides(Row row) {
    In in = new In();
    row.given().accept(in);
    KaleemTenantStatus before = RolloutDecision.copy(in.status);
    Decision d = in.decide();
    row.expect().accept(d);
    assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(in.status))
        .as("decide() never mutates its input")
        .isEqualTo(io.fabric8.kubernetes.client.utils.Serialization.asJson(before));
  }
}
