package io.kaleem.operator.workload;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowReconcileResult;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.operator.Labels;
import io.kaleem.operator.resources.MonitoringResources;
import io.kaleem.operator.status.Conditions;
import io.kaleem.operator.status.Conditions.Verdict;
import io.kaleem.operator.status.StatusAggregator.Impact;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * MonitoringReady from one workflow run: what the activation conditions answered about the
 * prometheus-operator CRDs, and whether the PrometheusRule and PodMonitor dependents could be
 * written. A failure of either is the tenant's monitoring problem (Degraded, retried soon), never
 * the workload's: it is taken out of the errors the reconciler rethrows.
 *
 * @param verdict the MonitoringReady verdict
 * @param requeue when to look again: the CRD check interval while a CRD is missing, the retry
 *     backoff after a failed write, null when all is in place (the informers report drift)
 */
public record MonitoringVerdict(Verdict verdict, Duration requeue) {

  /** Whether an errored dependent is one of the monitoring dependents. */
  public static boolean isMonitoring(Object dependent) {
    return dependent instanceof MonitoringDependent;
  }

  public static MonitoringVerdict of(
      KaleemTenant t, WorkflowReconcileResult result, CrdChecks checks, Duration retry) {
    Optional<CrdChecks.Answer> rule = answer(result, PrometheusRuleDependent.NAME);
    Optional<CrdChecks.Answer> scrape = answer(result, PodMonitorDependent.NAME);
    // Keyed by JOSDK's raw DependentResource: read as Object.
    Map<?, Exception> errors = result.getErroredDependents();
    for (Map.Entry<?, Exception> e : errors.entrySet()) {
      if (!(e.getKey() instanceof MonitoringDependent d)) {
        continue;
      }
      if (kindGone(e.getValue())) {
        // The CRD went away (404) or is being deleted (405: "create not allowed while custom
        // resource definition is terminating") since the check: ask again at the next reconcile.
        checks.recheck(d.crd());
      }
      return new MonitoringVerdict(
          Verdict.bad(
                  Conditions.MONITORING_READY,
                  find(e.getValue(), NameConflictException.class) ? "NameConflict" : "ApplyFailed",
                  d.kind() + " could not be written: " + e.getValue().getMessage())
              .with(Impact.DEGRADED),
          retry);
    }
    if (rule.isEmpty() || !rule.get().present()) {
      CrdChecks.Answer a =
          rule.orElse(new CrdChecks.Answer(MonitoringResources.CRD, false, false, null));
      String reason =
          a.error() != null ? "CrdCheckFailed" : a.removed() ? "CrdRemoved" : "CrdNotInstalled";
      String why =
          a.error() != null
              ? "could not be checked (" + a.error() + ")"
              : a.removed() ? "was removed" : "is not installed";
      return new MonitoringVerdict(
          Verdict.bad(
              Conditions.MONITORING_READY,
              reason,
              "PrometheusRule skipped: CRD "
                  + a.crd()
                  + " "
                  + why
                  + "; checked again every "
                  + checks.interval().toString().substring(2).toLowerCase(Locale.ROOT)
                  + ", the rule is created once it is there"),
          checks.interval());
    }
    String message = "PrometheusRule " + Labels.ruleName(t) + " holds the tenant's SLO alerts";
    message +=
        scrape.isPresent() && scrape.get().present()
            ? "; PodMonitor " + Labels.apiName(t) + " scrapes the API pods"
            : "; no PodMonitor: CRD " + MonitoringResources.POD_MONITOR_CRD + " is not installed";
    return new MonitoringVerdict(Verdict.ok(Conditions.MONITORING_READY, "Applied", message), null);
  }

  private static Optional<CrdChecks.Answer> answer(WorkflowReconcileResult r, String dependent) {
    return r.getDependentConditionResult(
        dependent, Condition.Type.ACTIVATION, CrdChecks.Answer.class);
  }

  private static boolean find(Throwable e, Class<? extends Throwable> type) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private static boolean kindGone(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof KubernetesClientException k && (k.getCode() == 404 || k.getCode() == 405)) {
        return true;
      }
    }
    return false;
  }
}
