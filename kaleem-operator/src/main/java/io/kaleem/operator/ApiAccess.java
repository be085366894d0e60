package io.kaleem.operator;

import java.util.List;

/**
 * Every Kubernetes API call the operator makes, as RBAC grants: the one list the chart's RBAC (and
 * {@code deploy/rbac.yaml}) must match, no more and no less. A change to what the operator reads or
 * writes changes this table in the same commit; the chart test ({@code helm/}) then fails until the
 * chart grants exactly the new set.
 */
public final class ApiAccess {

  /** Where a grant applies. */
  public enum Scope {
    /** Each namespace the operator watches (every namespace when none is named). */
    WATCHED_NAMESPACES,
    /** The operator's own namespace only (the leader-election Lease). */
    OPERATOR_NAMESPACE,
    /** Cluster-scoped resources: always a ClusterRole, also in namespaced mode. */
    CLUSTER
  }

  /**
   * One RBAC rule.
   *
   * @param resourceNames empty: every object of the resource
   * @param why the code that needs it
   */
  public record Grant(
      Scope scope,
      String apiGroup,
      String resource,
      List<String> resourceNames,
      List<String> verbs,
      String why) {}

  public static final List<Grant> GRANTS =
      List.of(
          new Grant(
              Scope.WATCHED_NAMESPACES,
              "kaleem.io",
              "kaleemtenants",
              List.of(),
              List.of("get", "list", "watch", "patch", "update"),
              "JOSDK: primary informer; finalizer added and removed by patch, re-read on conflict"),
          new Grant(
              Scope.WATCHED_NAMESPACES,
              "kaleem.io",
              "kaleemtenants/status",
              List.of(),
              List.of("get", "patch", "update"),
              "TenantReconciler.finish and updateErrorStatus: status patches"),
          new Grant(
              Scope.WATCHED_NAMESPACES,
              "kaleem.io",
              "kaleemtenants/finalizers",
              List.of(),
              List.of("update"),
              "dependents: owner references with blockOwnerDeletion on owned objects"),
          new Grant(
              Scope.WATCHED_NAMESPACES,
              "",
              "configmaps",
              List.of(),
              List.of("list", "watch", "create", "patch", "delete"),
              "ConfigMapsDependent: <tenant>-config-<hash> per revision (stale ones deleted);"
                  + " ReferencedObjects: the ConfigMaps api.env refers to, from a cache"),
          new Grant(
              Scope.WATCHED_NAMESPACES,
              "",
              "services",
              List.of(),
              List.of("list", "watch", "create", "patch"),
              "ServiceDependent, PreviewServiceDependent: <tenant>-api(-preview)"),
          new Grant(
              Scope.WATCHED_NAMESPACES,
              "",
              "secrets",
              List.of(),
              List.of("get", "list", "watch", "create", "patch"),
              "ReferencedObjects: the tenant's Secrets from a cache (get: cleanup before the cache"
                  + " is warm); GeneratedSecretDependent creates <tenant>-api-secrets by"
                  + " server-side apply (a PATCH that creates: patch and create)"),
          new Grant(
              Scope.WATCHED_NAMESPACES,
              "",
              "pods",
              List.of(),
              List.of("list", "watch"),
              "pod informer: the pods of the revision RolloutDecision judges"),
          new Grant(
              Scope.WATCHED_NAMESPACES,
              "",
              "events",
              List.of(),
              List.of("create", "patch"),
              "TenantEvents: a repeated reason patches its Event's count"),
          new Grant(
              Scope.WATCHED_NAMESPACES,
              "apps",
              "deployments",
              List.of(),
              List.of("list", "watch", "create", "patch"),
              "DeploymentDependent, PreviewDeploymentDependent (informer read by the rollout"
                  + " decision)"),
          new Grant(
              Scope.WATCHED_NAMESPACES,
              "apps",
              "controllerrevisions",
              List.of(),
              List.of("get", "list", "watch", "create"),
              "SnapshotStore: last good snapshots, written once, read from a cache on rollback"),
          new Grant(
              Scope.WATCHED_NAMESPACES,
              "autoscaling",
              "horizontalpodautoscalers",
              List.of(),
              List.of("list", "watch", "create", "patch", "delete"),
              "HpaDependent; deleted when autoscaling is switched off"),
          new Grant(
              Scope.WATCHED_NAMESPACES,
              "policy",
              "poddisruptionbudgets",
              List.of(),
              List.of("list", "watch", "create", "patch"),
              "PdbDependent"),
          new Grant(
              Scope.WATCHED_NAMESPACES,
              "monitoring.coreos.com",
              "prometheusrules",
              List.of(),
              List.of("list", "watch", "create", "patch"),
              "PrometheusRuleDependent: <tenant>-slo, informer while the CRD exists"),
          new Grant(
              Scope.WATCHED_NAMESPACES,
              "monitoring.coreos.com",
              "podmonitors",
              List.of(),
              List.of("list", "watch", "create", "patch"),
              "PodMonitorDependent: the tenant's scrape of /metrics, informer while the CRD"
                  + " exists"),
          new Grant(
              Scope.CLUSTER,
              "apiextensions.k8s.io",
              "customresourcedefinitions",
              List.of("prometheusrules.monitoring.coreos.com", "podmonitors.monitoring.coreos.com"),
              List.of("get"),
              "CrdChecks (activation condition): whether each prometheus-operator CRD is"
                  + " installed, re-checked every CRD_CHECK_INTERVAL"),
          new Grant(
              Scope.CLUSTER,
              "authorization.k8s.io",
              "selfsubjectrulesreviews",
              List.of(),
              List.of("create"),
              "JOSDK checks its leader-election permissions before it starts"),
          new Grant(
              Scope.OPERATOR_NAMESPACE,
              "coordination.k8s.io",
              "leases",
              List.of(),
              List.of("get", "create", "update"),
              "leader election (fabric8 LeaseLock)"));

  private ApiAccess() {}
}
