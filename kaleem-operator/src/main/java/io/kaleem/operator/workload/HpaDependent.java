package io.kaleem.operator.workload;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.operator.Labels;
import io.kaleem.operator.resources.WorkloadResources;

/**
 * The HorizontalPodAutoscaler, while autoscaling is on (its reconcile precondition); switched off,
 * the workflow deletes it. The Deployment leaves {@code replicas} out under an HPA and the merge
 * patch never sends it, so the autoscaler's writes and ours never conflict.
 */
@KubernetesDependent(
    informer = @Informer(labelSelector = Labels.MANAGED_BY + "=" + Labels.OPERATOR))
public class HpaDependent extends OwnedDependent<HorizontalPodAutoscaler>
    implements io.javaoperatorsdk.operator.api.reconciler.dependent.Deleter<KaleemTenant> {

  public HpaDependent() {
    super(HorizontalPodAutoscaler.class);
  }

  @Override
  protected String name(KaleemTenant t) {
    return Labels.apiName(t);
  }

  @Override
  protected HorizontalPodAutoscaler render(KaleemTenant t, Context<KaleemTenant> ctx) {
    return placed(t, WorkloadResources.hpa(t, WorkloadPlan.of(ctx).spec()));
  }

  /** Autoscaling is on in the current spec. */
  public static class Autoscaled implements Condition<HorizontalPodAutoscaler, KaleemTenant> {
    @Override
    public boolean isMet(
        DependentResource<HorizontalPodAutoscaler, KaleemTenant> dependent,
        KaleemTenant t,
        Context<KaleemTenant> ctx) {
      return WorkloadResources.autoscaled(WorkloadPlan.of(ctx).spec());
    }
  }
}
