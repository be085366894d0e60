package io.kaleem.operator.rollout;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.crds.v1alpha1.KaleemTenantStatus;
import io.kaleem.operator.Labels;
import io.kaleem.operator.status.Conditions;
import io.kaleem.operator.status.Conditions.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the revision the Deployment runs and judges it: a revision that does not become available
 * within the progress deadline, whose pods fail readiness past the threshold, or whose Prometheus
 * analysis exceeds the thresholds has failed; one that stays healthy through the stabilisation
 * window becomes the last good revision. The caller performs the rollback.
 */
public class RolloutController {

  private static final Logger log = LoggerFactory.getLogger(RolloutController.class);

  /** The judgement of one reconcile. */
  public record Judgement(
      Verdict available,
      Verdict healthy,
      Optional<String> failure,
      boolean started,
      boolean promoted,
      boolean inProgress) {}

  private final KubernetesClient client;
  private final PrometheusAnalysis analysis;

  public RolloutController(KubernetesClient client, PrometheusAnalysis analysis) {
    this.client = client;
    this.analysis = analysis;
  }

  /**
   * Updates the rollout fields of {@code st} for the Deployment now running {@code revision}.
   *
   * @param effective the spec that produced {@code revision} (promoted as last good spec)
   */
  public Judgement judge(
      KaleemTenant t,
      KaleemTenantSpec current,
      KaleemTenantSpec effective,
      KaleemTenantStatus st,
      String revision,
      Deployment d,
      Instant now) {
    KaleemTenantSpec.Rollout r =
        current.rollout == null ? new KaleemTenantSpec.Rollout() : current.rollout;
    boolean started = false;
    if (!revision.equals(st.currentRevision)) {
      st.currentRevision = revision;
      st.rolloutStartedAt = ts(now);
      st.healthySince = null;
      started = true;
    }
    boolean available = DeploymentHealth.available(d);
    Verdict availableVerdict =
        available
            ? Verdict.ok(
                Conditions.DEPLOYMENT_AVAILABLE,
                "Available",
                "revision " + revision + " is available")
            : Verdict.bad(
                Conditions.DEPLOYMENT_AVAILABLE,
                "RolloutInProgress",
                "waiting for revision " + revision + " to become available");

    boolean isLastGood = revision.equals(st.lastGoodRevision);
    if (revision.equals(st.failedRevision) && !isLastGood) {
      return new Judgement(
          availableVerdict,
          Verdict.bad(
              Conditions.ROLLOUT_HEALTHY,
              "RevisionFailed",
              "revision " + revision + " failed; it is not retried until the spec changes"),
          Optional.empty(),
          started,
          false,
          false);
    }
    if (isLastGood) {
      st.healthySince = available ? Optional.ofNullable(st.healthySince).orElse(ts(now)) : null;
      return new Judgement(
          availableVerdict,
          Verdict.ok(
              Conditions.ROLLOUT_HEALTHY,
              "Healthy",
              "revision " + revision + " is the last good revision"),
          Optional.empty(),
          started,
          false,
          !available);
    }

    Optional<String> failure = DeploymentHealth.deadlineExceeded(d);
    Instant startedAt = Instant.parse(st.rolloutStartedAt);
    int deadline = r.progressDeadlineSeconds == null ? 300 : r.progressDeadlineSeconds;
    if (failure.isEmpty() && !available && now.isAfter(startedAt.plusSeconds(deadline))) {
      failure =
          Optional.of(
              "revision " + revision + " did not become available within " + deadline + "s");
    }
    if (failure.isEmpty()) {
      failure =
          DeploymentHealth.podFailure(
              pods(t, revision),
              r.failureThreshold == null ? 3 : r.failureThreshold,
              r.periodSeconds == null ? 10 : r.periodSeconds,
              now);
    }
    if (failure.isEmpty() && available && r.analysis != null) {
      try {
        PrometheusAnalysis.Verdict v =
            analysis.analyse(
                t.getMetadata().getNamespace(), t.getMetadata().getName(), revision, r.analysis);
        failure = v.failure();
        log.info("analysis of revision {}: {}", revision, v.summary());
      } catch (java.io.IOException | RuntimeException e) {
        log.warn("Prometheus analysis unavailable: {}", e.toString());
        return new Judgement(
            availableVerdict,
            Verdict.unknown(
                Conditions.ROLLOUT_HEALTHY,
                "AnalysisUnavailable",
                "cannot query Prometheus at "
                    + r.analysis.prometheusAddress
                    + ": "
                    + e.getMessage()),
            Optional.empty(),
            started,
            false,
            true);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    if (failure.isPresent()) {
      return new Judgement(
          availableVerdict,
          Verdict.bad(Conditions.ROLLOUT_HEALTHY, "RevisionFailed", failure.get()),
          failure,
          started,
          false,
          false);
    }
    if (!available) {
      st.healthySince = null;
      return new Judgement(
          availableVerdict,
          Verdict.unknown(
              Conditions.ROLLOUT_HEALTHY,
              "Progressing",
              "revision "
                  + revision
                  + " rolling out since "
                  + st.rolloutStartedAt
                  + " (deadline "
                  + deadline
                  + "s)"),
          Optional.empty(),
          started,
          false,
          true);
    }
    if (st.healthySince == null) {
      st.healthySince = ts(now);
    }
    int window = r.stabilizationSeconds == null ? 120 : r.stabilizationSeconds;
    Instant promoteAt = Instant.parse(st.healthySince).plusSeconds(window);
    if (!now.isBefore(promoteAt)) {
      st.lastGoodRevision = revision;
      st.lastGoodSpec = Specs.copy(effective);
      return new Judgement(
          availableVerdict,
          Verdict.ok(
              Conditions.ROLLOUT_HEALTHY,
              "Healthy",
              "revision " + revision + " is the last good revision"),
          Optional.empty(),
          started,
          true,
          false);
    }
    return new Judgement(
        availableVerdict,
        Verdict.ok(
            Conditions.ROLLOUT_HEALTHY,
            "Stabilizing",
            "revision "
                + revision
                + " healthy since "
                + st.healthySince
                + "; becomes last good at "
                + ts(promoteAt)),
        Optional.empty(),
        started,
        false,
        true);
  }

  /** Time left before a rollout in progress must be looked at again. */
  public static Duration untilPromotion(
      KaleemTenantSpec current, KaleemTenantStatus st, Instant now) {
    if (st.healthySince == null || current.rollout == null) {
      return Duration.ZERO;
    }
    int window =
        current.rollout.stabilizationSeconds == null ? 120 : current.rollout.stabilizationSeconds;
    Duration d = Duration.between(now, Instant.parse(st.healthySince).plusSeconds(window));
    return d.isNegative() ? Duration.ZERO : d;
  }

  private List<Pod> pods(KaleemTenant t, String revision) {
    return client
        .pods()
        .inNamespace(t.getMetadata().getNamespace())
        .withLabels(Map.of(Labels.TENANT, t.getMetadata().getName(), Labels.REVISION, revision))
        .list()
        .getItems();
  }

  public static String ts(Instant i) {
    return i.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
