package io.kaleem.operator.workload;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.operator.resources.WorkloadResources;
import io.kaleem.operator.rollout.BlueGreenResources;

/**
 * The BlueGreen preview Deployment: the candidate while it is judged, scaled to 0 afterwards (kept,
 * never deleted, so its ReplicaSet history stays readable). Shares the Deployment informer; not a
 * deleter, so its precondition being false leaves it alone.
 */
public class PreviewDeploymentDependent extends OwnedDependent<Deployment> {

  public PreviewDeploymentDependent() {
    super(Deployment.class);
  }

  @Override
  protected String name(KaleemTenant t) {
    return BlueGreenResources.previewName(t);
  }

  @Override
  protected Deployment render(KaleemTenant t, Context<KaleemTenant> ctx) {
    WorkloadPlan plan = WorkloadPlan.of(ctx);
    if (plan.preview() != null) {
      Deployment asActive =
          WorkloadResources.deployment(
              t,
              plan.spec(),
              new WorkloadResources.Template(
                  plan.preview().templateCopy(), plan.preview().revision()));
      Deployment d = BlueGreenResources.preview(t, asActive, plan.previewReplicas());
      return placed(t, d);
    }
    if (!plan.scaleDownPreview()) {
      return null;
    }
    Deployment current = getSecondaryResource(t, ctx).orElseThrow();
    return BlueGreenResources.scaledDown(Serialization.clone(current));
  }

  /** Only while there is a candidate, or a preview to scale away. */
  public static class Wanted
      implements io.javaoperatorsdk.operator.processing.dependent.workflow.Condition<
          Deployment, KaleemTenant> {
    @Override
    public boolean isMet(
        io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource<
                Deployment, KaleemTenant>
            dependent,
        KaleemTenant t,
        Context<KaleemTenant> ctx) {
      WorkloadPlan plan = WorkloadPlan.of(ctx);
      return plan.preview() != null
          || (plan.scaleDownPreview() && dependent.getSecondaryResource(t, ctx).isPresent());
    }
  }
}
