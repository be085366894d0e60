package io.kaleem.operator.rollout;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.crds.v1alpha1.KaleemTenantStatus;
import io.kaleem.crds.v1alpha1.KaleemTenantStatus.Phase;
import io.kaleem.crds.v1alpha1.KaleemTenantStatus.RollbackRecord;
import io.kaleem.operator.status.Conditions;
import io.kaleem.operator.status.Conditions.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The rollout decision as a pure function of what the operator observes: no I/O, no clock of its
 * own. {@link #decide} takes the spec (rendered to a revision), the tenant's status, the Deployment
 * and pods of the revision being judged, the latest analysis tally and the time, and returns which
 * snapshot must run, the rollout status to persist (before anything is written), the verdicts, the
 * events, and when to look again.
 *
 * <p>The rules (docs/OPERATOR.md has the table):
 *
 * <ul>
 *   <li>A spec that failed is not retried until it changes (its fingerprint, not its rendering: an
 *       operator upgrade that renders differently does not make a known-bad spec new) or the {@code
 *       kaleem.io/retry} annotation gets a new value.
 *   <li>A revision fails when the Deployment reports {@code ProgressDeadlineExceeded} for its
 *       current generation, when it makes no progress for {@code progressDeadlineSeconds} while
 *       incomplete, when a pod signal fails ({@link PodSignals}), or when its analysis fails or
 *       errs.
 *   <li>A failed revision rolls back to the last good snapshot (when there is one and autoRollback
 *       is on). If that snapshot fails too, the operator stops acting: phase Failed, one Warning,
 *       no alternation between two failing revisions.
 *   <li>A revision becomes last good when complete, healthy through the stabilisation window and
 *       (when configured and not skipped) with a passed analysis; "no data" never passes.
 * </ul>
 */
public final class RolloutDecision {

  private RolloutDecision() {}

  /** Which snapshot the workload runs. */
  public enum Target {
    /** The spec, as rendered now. */
    DESIRED,
    /** The stored last good snapshot. */
    LAST_GOOD
  }

  /** An event to record on the tenant. */
  public record Note(boolean warning, String reason, String message) {}

  /**
   * What the decision looks at.
   *
   * @param specHash fingerprint of the spec (not of its rendering)
   * @param desiredRevision the revision the spec renders to today
   * @param deployment the Deployment that runs (or will run) {@code status.currentRevision}
   * @param pods the tenant's pods (every revision; each is judged by its revision label)
   * @param analysis the latest analysis tally of {@code status.currentRevision}
   * @param poll how often a rollout in progress is looked at
   */
  public record Input(
      KaleemTenantSpec spec,
      String specHash,
      String desiredRevision,
      RolloutControls controls,
      KaleemTenantStatus status,
      Deployment deployment,
      List<Pod> pods,
      Optional<AnalysisResult> analysis,
      Instant now,
      Duration poll) {}

  /**
   * The decision.
   *
   * @param status the rollout status to persist before acting
   * @param hold write no workload object this time (paused, or stopped after a failed rollback)
   * @param promote store the current revision's snapshot as last good
   * @param switchTraffic BlueGreen: point the tenant Service at {@code status.activeRevision}
   * @param analyse keep (or start) measuring the current revision
   * @param phase the phase the rollout imposes, or null when the rest of the tenant decides
   */
  public record Decision(
      Target target,
      String revision,
      KaleemTenantStatus status,
      List<Verdict> verdicts,
      Optional<RollbackRecord> rollback,
      boolean hold,
      boolean promote,
      boolean switchTraffic,
      boolean analyse,
      List<Note> notes,
      Duration requeue,
      Phase phase) {

    /**
     * Writes no workload object this time: paused, or stopped after the rollback target failed too.
     */
    static Decision hold(
        Target target,
        String revision,
        KaleemTenantStatus status,
        List<Verdict> verdicts,
        List<Note> notes,
        Duration requeue,
        Phase phase) {
      return new Decision(
          target,
          revision,
          status,
          verdicts,
          Optional.empty(),
          true,
          false,
          false,
          false,
          notes,
          requeue,
          phase);
    }

    /**
     * Runs {@code revision} as it is (starting it when new) and looks again after {@code requeue}
     * (null: on the next event): nothing to promote, switch or measure.
     */
    static Decision run(
        Target target,
        String revision,
        KaleemTenantStatus status,
        List<Verdict> verdicts,
        List<Note> notes,
        Duration requeue,
        Phase phase) {
      return new Decision(
          target,
          revision,
          status,
          verdicts,
          Optional.empty(),
          false,
          false,
          false,
          false,
          notes,
          requeue,
          phase);
    }

    /**
     * Runs {@code revision} while it is judged (no phase of its own: the rest of the tenant
     * decides); {@code analyse} keeps its analysis measuring.
     */
    static Decision measure(
        Target target,
        String revision,
        KaleemTenantStatus status,
        List<Verdict> verdicts,
        List<Note> notes,
        Duration requeue,
        boolean analyse) {
      return new Decision(
          target,
          revision,
          status,
          verdicts,
          Optional.empty(),
          false,
          false,
          false,
          analyse,
          notes,
          requeue,
          null);
    }

    /** Starts restoring the last good revision {@code lastGood} after {@code record}'s failure. */
    static Decision rollBack(
        String lastGood,
        KaleemTenantStatus status,
        List<Verdict> verdicts,
        RollbackRecord record,
        List<Note> notes,
        Duration requeue) {
      return new Decision(
          Target.LAST_GOOD,
          lastGood,
          status,
          verdicts,
          Optional.of(record),
          false,
          false,
          false,
          false,
          notes,
          requeue,
          Phase.RolledBack);
    }

    /**
     * Stores {@code revision}'s snapshot as last good; BlueGreen with {@code switchTraffic} also
     * points the tenant Service at it.
     */
    static Decision promote(
        Target target,
        String revision,
        KaleemTenantStatus status,
        List<Verdict> verdicts,
        List<Note> notes,
        boolean switchTraffic) {
      return new Decision(
          target,
          revision,
          status,
          verdicts,
          Optional.empty(),
          false,
          true,
          switchTraffic,
          false,
          notes,
          null,
          null);
    }
  }

  public static Decision decide(Input in) {
    // The spec is defaulted (KaleemTenantSpec.withDefaults, applied once by the reconciler).
    KaleemTenantSpec.Rollout r = in.spec().rollout;
    KaleemTenantStatus st = copy(in.status());
    List<Note> notes = new ArrayList<>();
    Instant now = in.now();

    // Controls and spec changes first: they decide what is failed.
    if (in.controls().retryToken() != null && !in.controls().retryToken().equals(st.retryToken)) {
      st.retryToken = in.controls().retryToken();
      if (st.failedRevision != null || st.failedRollbackRevision != null) {
        notes.add(new Note(false, "RetryRequested", "kaleem.io/retry: the spec is tried again"));
      }
      clearFailure(st);
      // A retry also re-renders a healthy tenant: the way to adopt a newer operator's rendering.
      st.lastGoodSpecHash = null;
    }
    if (st.failedSpecHash != null && !st.failedSpecHash.equals(in.specHash())) {
      clearFailure(st);
    }
    boolean failedSpec = in.specHash().equals(st.failedSpecHash);
    boolean haveLastGood = st.lastGoodRevision != null && st.lastGoodSnapshot != null;
    boolean auto = r.autoRollback;
    boolean renderedElsewhere = haveLastGood && !in.desiredRevision().equals(st.lastGoodRevision);
    // Rolled back: the spec failed and the last good snapshot runs in its place.
    boolean rolledBack = failedSpec && auto && renderedElsewhere;
    // Kept: the spec is the one that was promoted, but today's operator renders it differently.
    // The stored snapshot is what was judged good; re-rendering it would re-roll a healthy tenant
    // (and judge a revision nobody asked for) on every operator upgrade.
    boolean kept = !failedSpec && renderedElsewhere && in.specHash().equals(st.lastGoodSpecHash);
    Target target = rolledBack || kept ? Target.LAST_GOOD : Target.DESIRED;
    String rev = target == Target.LAST_GOOD ? st.lastGoodRevision : in.desiredRevision();
    boolean blueGreen = r.strategy == KaleemTenantSpec.Strategy.BlueGreen;

    if (in.controls().paused()) {
      return Decision.hold(
          target,
          rev,
          st,
          List.of(
              Verdict.unknown(Conditions.DEPLOYMENT_AVAILABLE, "Paused", "kaleem.io/paused is set"),
              Verdict.unknown(
                  Conditions.ROLLOUT_HEALTHY,
                  "Paused",
                  "kaleem.io/paused is set: no rollout decision is taken")),
          notes,
          in.poll(),
          null);
    }

    // A rollback target that failed: stop acting until the spec changes or a retry is asked.
    if (st.failedRollbackRevision != null && st.failedRollbackRevision.equals(rev)) {
      return Decision.hold(
          target,
          rev,
          st,
          List.of(
              Verdict.bad(
                  Conditions.DEPLOYMENT_AVAILABLE,
                  "RollbackFailed",
                  "the last good revision " + rev + " failed too"),
              Verdict.bad(
                  Conditions.ROLLOUT_HEALTHY,
                  "RollbackFailed",
                  Messages.bound(
                      "revision "
                          + st.failedRevision
                          + " failed and its rollback target "
                          + rev
                          + " failed too; the operator stops acting until the spec changes or"
                          + " kaleem.io/retry is set"))),
          notes,
          null,
          Phase.Failed);
    }

    // A new revision to run (a spec change, or the start of a rollback).
    if (!rev.equals(st.currentRevision)) {
      boolean rollback = rolledBack;
      startRollout(st, rev, rollback, now, in.pods());
      notes.add(
          new Note(
              false,
              rollback ? "RollbackStarted" : "RolloutStarted",
              (rollback ? "restoring last good revision " : "rolling out revision ") + rev));
      return Decision.run(
          target,
          rev,
          st,
          List.of(
              Verdict.bad(
                  Conditions.DEPLOYMENT_AVAILABLE,
                  "RolloutInProgress",
                  "waiting for revision " + rev + " to become available"),
              Verdict.unknown(
                  Conditions.ROLLOUT_HEALTHY, "Progressing", "revision " + rev + " started")),
          notes,
          in.poll(),
          rollback ? Phase.RolledBack : null);
    }

    List<Pod> pods = ofRevision(in.pods(), rev);
    DeploymentView v = DeploymentView.of(in.deployment(), rev, pods);
    Verdict available =
        v.complete() || (v.observed() && v.availableCondition())
            ? Verdict.ok(
                Conditions.DEPLOYMENT_AVAILABLE, "Available", "revision " + rev + " is available")
            : Verdict.bad(
                Conditions.DEPLOYMENT_AVAILABLE,
                "RolloutInProgress",
                "waiting for revision " + rev + " to become available");

    // A failed spec left running (no last good, or autoRollback off): reported, not re-judged.
    if (failedSpec && target == Target.DESIRED && rev.equals(st.failedRevision)) {
      return Decision.run(
          target,
          rev,
          st,
          List.of(
              available,
              Verdict.bad(
                  Conditions.ROLLOUT_HEALTHY,
                  "RevisionFailed",
                  "revision " + rev + " failed; it is not retried until the spec changes")),
          notes,
          null,
          haveLastGood ? Phase.Degraded : Phase.Failed);
    }

    boolean judging = !rev.equals(st.lastGoodRevision) || Boolean.TRUE.equals(st.rollingBack);
    if (!judging) {
      // The last good revision in steady state: scaling and evictions are not a rollout.
      st.lastProgressAt = null;
      st.progressMark = null;
      st.restartBaseline = new LinkedHashMap<>();
      return Decision.run(
          target,
          rev,
          st,
          List.of(
              available,
              Verdict.ok(
                  Conditions.ROLLOUT_HEALTHY,
                  rolledBack ? "RolledBack" : "Healthy",
                  "revision " + rev + " is the last good revision")),
          notes,
          null,
          rolledBack ? Phase.RolledBack : null);
    }

    // Progress, measured as the deployment controller measures it.
    if (st.lastProgressAt == null) {
      st.lastProgressAt = ts(now);
    }
    if (v.complete() || v.progressSince(st.progressMark)) {
      st.lastProgressAt = ts(now);
    }
    if (v.observed()) {
      st.progressMark = v.mark();
    }
    st.restartBaseline
        .keySet()
        .retainAll(pods.stream().map(p -> p.getMetadata().getName()).toList());

    int deadline = r.progressDeadlineSeconds;
    Instant lastProgress = Instant.parse(st.lastProgressAt);
    Optional<String> failure = Optional.empty();
    if (v.deadlineExceeded().isPresent()) {
      failure =
          Optional.of(
              "revision "
                  + rev
                  + ": the Deployment reports ProgressDeadlineExceeded ("
                  + v.deadlineExceeded().get()
                  + ")");
    } else if (!v.complete() && now.isAfter(lastProgress.plusSeconds(deadline))) {
      failure =
          Optional.of(
              "revision "
                  + rev
                  + " made no progress for "
                  + Duration.between(lastProgress, now).getSeconds()
                  + "s (progress deadline "
                  + deadline
                  + "s)"
                  + PodSignals.waiting(pods).map(w -> ": " + w).orElse(""));
    }
    if (failure.isEmpty()) {
      failure =
          PodSignals.failure(pods, st.restartBaseline, r.failureThreshold, r.periodSeconds, now);
    }
    boolean analysisWanted =
        target == Target.DESIRED && r.analysis != null && !in.controls().skipAnalysis();
    AnalysisResult analysis = in.analysis().filter(a -> a.revision().equals(rev)).orElse(null);
    if (analysisWanted && analysis != null) {
      st.analysis = analysisStatus(analysis);
      if (failure.isEmpty() && analysis.phase() == AnalysisResult.Phase.Failed) {
        failure = Optional.of("analysis failed: " + analysis.message());
      } else if (failure.isEmpty() && analysis.phase() == AnalysisResult.Phase.Error) {
        failure =
            Optional.of(
                "analysis error: "
                    + analysis.consecutiveErrors()
                    + " consecutive measurements could not be taken: "
                    + analysis.message());
      }
    }

    if (failure.isPresent()) {
      String reason = Messages.bound(failure.get());
      if (target == Target.LAST_GOOD) {
        st.failedRollbackRevision = rev;
        st.rollingBack = false;
        notes.add(
            new Note(
                true,
                "RollbackFailed",
                Messages.bound(
                    "the last good revision "
                        + rev
                        + " failed too; the operator stops acting: "
                        + reason)));
        return Decision.hold(
            target,
            rev,
            st,
            List.of(available, Verdict.bad(Conditions.ROLLOUT_HEALTHY, "RollbackFailed", reason)),
            notes,
            null,
            Phase.Failed);
      }
      st.failedRevision = rev;
      st.failedSpecHash = in.specHash();
      if (auto && haveLastGood && !rev.equals(st.lastGoodRevision)) {
        RollbackRecord rec = new RollbackRecord(ts(now), rev, st.lastGoodRevision, reason);
        st.rollbackHistory.add(rec);
        while (st.rollbackHistory.size() > 10) {
          st.rollbackHistory.remove(0);
        }
        notes.add(
            new Note(
                true,
                "RolledBack",
                Messages.bound(
                    "revision " + rev + " rolled back to " + st.lastGoodRevision + ": " + reason)));
        String back = st.lastGoodRevision;
        startRollout(st, back, true, now, in.pods());
        return Decision.rollBack(
            back,
            st,
            List.of(available, Verdict.bad(Conditions.ROLLOUT_HEALTHY, "RevisionFailed", reason)),
            rec,
            notes,
            in.poll());
      }
      notes.add(new Note(true, "RolloutFailed", reason));
      return Decision.run(
          target,
          rev,
          st,
          List.of(available, Verdict.bad(Conditions.ROLLOUT_HEALTHY, "RevisionFailed", reason)),
          notes,
          null,
          haveLastGood ? Phase.Degraded : Phase.Failed);
    }

    if (target == Target.LAST_GOOD) {
      if (v.complete()) {
        st.rollingBack = false;
        notes.add(new Note(false, "RollbackComplete", "last good revision " + rev + " restored"));
      }
      return Decision.run(
          target,
          rev,
          st,
          List.of(
              available,
              Verdict.ok(
                  Conditions.ROLLOUT_HEALTHY,
                  "RolledBack",
                  "revision " + st.failedRevision + " failed; serving last good revision " + rev)),
          notes,
          in.poll(),
          Phase.RolledBack);
    }

    // Healthy so far. Stabilisation runs from the first complete observation; a later scale or
    // eviction (incomplete again, but progressing) does not restart it.
    if (v.complete() && st.healthySince == null) {
      st.healthySince = ts(now);
    }
    int window = r.stabilizationSeconds;
    boolean analysisOk =
        !analysisWanted || (analysis != null && analysis.phase() == AnalysisResult.Phase.Passed);
    Instant promoteAt =
        st.healthySince == null ? null : Instant.parse(st.healthySince).plusSeconds(window);
    boolean analyse = analysisWanted && v.complete() || analysisWanted && st.healthySince != null;
    if (promoteAt != null && !now.isBefore(promoteAt) && v.complete() && analysisOk) {
      st.lastGoodRevision = rev;
      st.lastGoodSpecHash = in.specHash();
      st.rollingBack = false;
      st.lastProgressAt = null;
      st.progressMark = null;
      st.restartBaseline = new LinkedHashMap<>();
      boolean switchTraffic = blueGreen && !rev.equals(st.activeRevision);
      st.activeRevision = blueGreen ? rev : null;
      notes.add(
          new Note(false, "RevisionPromoted", "revision " + rev + " is the last good revision"));
      return Decision.promote(
          target,
          rev,
          st,
          List.of(
              available,
              Verdict.ok(
                  Conditions.ROLLOUT_HEALTHY,
                  "Healthy",
                  "revision " + rev + " is the last good revision")),
          notes,
          switchTraffic);
    }
    Verdict healthy;
    Duration requeue = in.poll();
    if (promoteAt == null) {
      healthy =
          Verdict.unknown(
              Conditions.ROLLOUT_HEALTHY,
              "Progressing",
              Messages.bound(
                  "revision "
                      + rev
                      + " rolling out since "
                      + st.rolloutStartedAt
                      + "; last progress "
                      + st.lastProgressAt
                      + " (deadline "
                      + deadline
                      + "s)"
                      + PodSignals.waiting(pods).map(w -> "; " + w).orElse("")));
    } else if (now.isBefore(promoteAt)) {
      healthy =
          Verdict.ok(
              Conditions.ROLLOUT_HEALTHY,
              "Stabilizing",
              "revision "
                  + rev
                  + " healthy since "
                  + st.healthySince
                  + "; becomes last good at "
                  + ts(promoteAt));
      Duration left = Duration.between(now, promoteAt);
      requeue = left.compareTo(requeue) < 0 ? left.plusMillis(50) : requeue;
    } else if (!analysisOk) {
      String what =
          analysis == null
              ? "waiting for the first measurement"
              : analysis.phase() + ": " + analysis.message();
      healthy =
          Verdict.unknown(
              Conditions.ROLLOUT_HEALTHY,
              analysis != null && analysis.phase() == AnalysisResult.Phase.Inconclusive
                  ? "AnalysisInconclusive"
                  : "AnalysisRunning",
              Messages.bound(
                  "revision "
                      + rev
                      + " is not promoted until its analysis passes ("
                      + what
                      + "); kaleem.io/skip-analysis promotes on Kubernetes signals alone"));
    } else {
      healthy =
          Verdict.unknown(
              Conditions.ROLLOUT_HEALTHY,
              "Progressing",
              "revision " + rev + " stabilised; waiting for every replica to be available");
    }
    return Decision.measure(target, rev, st, List.of(available, healthy), notes, requeue, analyse);
  }

  /**
   * Starts judging {@code rev}. Pods of {@code rev} that exist now are older than this rollout (a
   * rollback finds the last good revision's pods still running): their restart counts so far are
   * the baseline, so only restarts from now on count. No clock is compared: what exists at the
   * start is old by definition.
   */
  private static void startRollout(
      KaleemTenantStatus st, String rev, boolean rollback, Instant now, List<Pod> allPods) {
    st.currentRevision = rev;
    st.rolloutStartedAt = ts(now);
    st.lastProgressAt = ts(now);
    st.progressMark = null;
    st.healthySince = null;
    st.rollingBack = rollback ? Boolean.TRUE : null;
    st.restartBaseline = new LinkedHashMap<>();
    for (Pod p : ofRevision(allPods, rev)) {
      if (p.getStatus() != null && p.getStatus().getContainerStatuses() != null) {
        st.restartBaseline.put(
            p.getMetadata().getName(),
            p.getStatus().getContainerStatuses().stream()
                .mapToInt(c -> c.getRestartCount() == null ? 0 : c.getRestartCount())
                .max()
                .orElse(0));
      }
    }
    if (!rollback) {
      // A rollback keeps the analysis that failed the revision: it is the reason on record.
      st.analysis = null;
    }
  }

  private static void clearFailure(KaleemTenantStatus st) {
    st.failedRevision = null;
    st.failedSpecHash = null;
    st.failedRollbackRevision = null;
  }

  private static List<Pod> ofRevision(List<Pod> pods, String rev) {
    return pods.stream()
        .filter(
            p ->
                p.getMetadata().getLabels() != null
                    && rev.equals(p.getMetadata().getLabels().get("kaleem.io/revision")))
        .toList();
  }

  private static KaleemTenantStatus.AnalysisStatus analysisStatus(AnalysisResult a) {
    KaleemTenantStatus.AnalysisStatus s = new KaleemTenantStatus.AnalysisStatus();
    s.revision = a.revision();
    s.phase = a.phase().name();
    s.measurements = a.measurements();
    s.failures = a.failures();
    s.consecutiveErrors = a.consecutiveErrors();
    s.inconclusive = a.inconclusive();
    s.message = Messages.bound(a.message());
    return s;
  }

  static KaleemTenantStatus copy(KaleemTenantStatus s) {
    KaleemTenantStatus c =
        s == null
            ? new KaleemTenantStatus()
            : Serialization.unmarshal(Serialization.asJson(s), KaleemTenantStatus.class);
    if (c.conditions == null) {
      c.conditions = new ArrayList<>();
    }
    if (c.rollbackHistory == null) {
      c.rollbackHistory = new ArrayList<>();
    }
    if (c.restartBaseline == null) {
      c.restartBaseline = new LinkedHashMap<>();
    }
    return c;
  }

  public static String ts(Instant i) {
    return i.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  static boolean same(Object a, Object b) {
    return Objects.equals(a, b);
  }
}
