package io.kaleem.crds.alerts;

import static io.kaleem.crds.metrics.MetricNames.LABEL_RESULT;
import static io.kaleem.crds.metrics.MetricNames.OPERATOR_EVENTS;
import static io.kaleem.crds.metrics.MetricNames.OPERATOR_INDEX_SYNC_DURATION;
import static io.kaleem.crds.metrics.MetricNames.OPERATOR_RECONCILE_DURATION;
import static io.kaleem.crds.metrics.MetricNames.OPERATOR_ROLLBACKS;
import static io.kaleem.crds.metrics.MetricNames.OPERATOR_UNHEALTHY_EVENT_SOURCES;
import static io.kaleem.crds.metrics.MetricNames.count;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Alert rules for the operator itself (not for a tenant): the committed {@code
 * observability/alerts/operator-alerts.yml} is {@link #groups} of this class. Every series is a
 * {@link io.kaleem.crds.metrics.MetricNames} constant the operator exports on its {@code /metrics}.
 */
public final class OperatorAlertRules {

  public static final String GROUP = "kaleem-operator";

  private OperatorAlertRules() {}

  public static List<AlertRules.Alert> alerts() {
    List<AlertRules.Alert> out = new ArrayList<>();
    out.add(
        new AlertRules.Alert(
            "KaleemOperatorEventSourcesUnhealthy",
            "max(" + OPERATOR_UNHEALTHY_EVENT_SOURCES + ")",
            ">",
            "0",
            "5m",
            "critical",
            "The operator's informers are unhealthy",
            "An informer of the operator cannot watch the API server: tenants are reconciled from"
                + " a stale picture. The liveness probe restarts the pod after 90 s; if this"
                + " persists, check the operator's RBAC and the API server."));
    out.add(
        new AlertRules.Alert(
            "KaleemOperatorSlowReconciles",
            "max(" + OPERATOR_RECONCILE_DURATION + "{quantile=\"0.95\"})",
            ">",
            "0.2",
            "15m",
            "warning",
            "Operator reconciles are slow",
            "The P95 of a tenant reconcile has been above 200 ms for 15 minutes: an idle reconcile"
                + " reads caches only, so slow ones point at API server latency or CPU"
                + " starvation."));
    out.add(
        new AlertRules.Alert(
            "KaleemOperatorReconcileErrors",
            "sum(rate(" + OPERATOR_EVENTS + "{reason=\"ReconcileError\"}[10m]))",
            ">",
            "0",
            "15m",
            "warning",
            "The operator keeps failing reconciles",
            "Reconciles have ended in errors (Events with reason ReconcileError) for 15 minutes;"
                + " kubectl get events --field-selector reason=ReconcileError names the tenants."));
    out.add(
        new AlertRules.Alert(
            "KaleemOperatorManyRollbacks",
            "sum(increase(" + OPERATOR_ROLLBACKS + "[1h]))",
            ">",
            "3",
            "0m",
            "warning",
            "Many automatic rollbacks across the fleet",
            "More than 3 automatic rollbacks in an hour: a bad image or platform change is"
                + " probably rolling out to many tenants; kaleem_operator_rollbacks_total by"
                + " reason says why."));
    out.add(
        new AlertRules.Alert(
            "KaleemOperatorIndexSyncsFailing",
            "sum(increase("
                + count(OPERATOR_INDEX_SYNC_DURATION)
                + "{"
                + LABEL_RESULT
                + "=\"failed\"}[30m]))",
            ">",
            "0",
            "30m",
            "warning",
            "Index syncs keep failing",
            "Index syncs have failed for 30 minutes: a tenant database is unreachable; the"
                + " tenants' DatabaseReady condition names them."));
    return out;
  }

  public static List<Map<String, Object>> groups() {
    List<Map<String, Object>> rules = new ArrayList<>();
    for (AlertRules.Alert a : alerts()) {
      Map<String, Object> annotations = new LinkedHashMap<>();
      annotations.put("summary", a.summary());
      annotations.put("description", a.description());
      annotations.put("runbook_url", a.runbookUrl());
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("alert", a.name());
      r.put("expr", a.expr());
      r.put("for", a.forDuration());
      r.put("labels", Map.of("severity", a.severity()));
      r.put("annotations", annotations);
      rules.add(r);
    }
    Map<String, Object> group = new LinkedHashMap<>();
    group.put("name", GROUP);
    group.put("rules", rules);
    return List.of(group);
  }
}
