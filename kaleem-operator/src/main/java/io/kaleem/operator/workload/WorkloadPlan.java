package io.kaleem.operator.workload;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.operator.rollout.Snapshot;

/**
 * What the rollout decision wants the workload to run, handed to the workflow's dependents through
 * the reconcile {@link Context}: the decision runs first, the dependents' {@code desired()} only
 * render what it chose. A dependent never decides which revision runs.
 *
 * @param spec the current spec (replicas, strategy, deadlines, autoscaling)
 * @param active the snapshot the tenant Deployment runs; null: leave the Deployment as it is (a
 *     BlueGreen candidate is judged on the preview)
 * @param serviceRevision the revision the tenant Service selects (BlueGreen); null with {@code
 *     keepService} false: every revision (RollingUpdate)
 * @param keepService leave the tenant Service's selector as it is (BlueGreen judgement)
 * @param preview the candidate on the preview Deployment and Service; null: none
 * @param previewReplicas replicas of the preview while it runs a candidate
 * @param scaleDownPreview an existing preview is scaled to 0 (never deleted)
 */
public record WorkloadPlan(
    KaleemTenantSpec spec,
    Snapshot active,
    String serviceRevision,
    boolean keepService,
    Snapshot preview,
    int previewReplicas,
    boolean scaleDownPreview) {

  private static final String KEY = WorkloadPlan.class.getName();

  public void put(Context<KaleemTenant> ctx) {
    ctx.managedWorkflowAndDependentResourceContext().put(KEY, this);
  }

  public static WorkloadPlan of(Context<KaleemTenant> ctx) {
    return ctx.managedWorkflowAndDependentResourceContext().getMandatory(KEY, WorkloadPlan.class);
  }
}
