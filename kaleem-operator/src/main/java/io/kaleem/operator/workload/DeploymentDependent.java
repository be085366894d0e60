package io.kaleem.operator.workload;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.operator.Labels;
import io.kaleem.operator.resources.WorkloadResources;

/**
 * The tenant's API Deployment, running the snapshot the rollout decision chose ({@link
 * WorkloadPlan#active()}); while a BlueGreen candidate is judged on the preview it is left exactly
 * as it is. Its informer is the one every rollout judgement reads.
 */
@KubernetesDependent(
    informer = @Informer(labelSelector = Labels.MANAGED_BY + "=" + Labels.OPERATOR))
public class DeploymentDependent extends OwnedDependent<Deployment> {

  public DeploymentDependent() {
    super(Deployment.class);
  }

  @Override
  protected String name(KaleemTenant t) {
    return Labels.apiName(t);
  }

  @Override
  protected Deployment render(KaleemTenant t, Context<KaleemTenant> ctx) {
    WorkloadPlan plan = WorkloadPlan.of(ctx);
    if (plan.active() == null) {
      return null;
    }
    return placed(
        t,
        WorkloadResources.deployment(
            t,
            plan.spec(),
            new WorkloadResources.Template(
                plan.active().templateCopy(), plan.active().revision())));
  }
}
