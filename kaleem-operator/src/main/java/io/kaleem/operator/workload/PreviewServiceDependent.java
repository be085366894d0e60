package io.kaleem.operator.workload;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.operator.rollout.BlueGreenResources;

/** The preview Service: the BlueGreen candidate's pods only (shares the Service informer). */
public class PreviewServiceDependent extends OwnedDependent<Service> {

  public PreviewServiceDependent() {
    super(Service.class);
  }

  @Override
  protected String name(KaleemTenant t) {
    return BlueGreenResources.previewName(t);
  }

  @Override
  protected Service render(KaleemTenant t, Context<KaleemTenant> ctx) {
    Service s = BlueGreenResources.previewService(t, WorkloadPlan.of(ctx).preview().revision());
    return placed(t, s);
  }

  /** Only while a candidate runs on the preview; afterwards it stays, selecting no new pods. */
  public static class Wanted
      implements io.javaoperatorsdk.operator.processing.dependent.workflow.Condition<
          Service, KaleemTenant> {
    @Override
    public boolean isMet(
        io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource<
                Service, KaleemTenant>
            dependent,
        KaleemTenant t,
        Context<KaleemTenant> ctx) {
      return WorkloadPlan.of(ctx).preview() != null;
    }
  }
}
