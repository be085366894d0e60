package io.kaleem.operator.workload;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.operator.Labels;
import io.kaleem.operator.resources.WorkloadResources;
import io.kaleem.operator.rollout.BlueGreenResources;

/**
 * The tenant Service: every revision under RollingUpdate; one revision (the active one) under
 * BlueGreen, its selector switched only when the decision says so. The cluster IP is the API
 * server's and never part of the patch.
 */
@KubernetesDependent(
    informer = @Informer(labelSelector = Labels.MANAGED_BY + "=" + Labels.OPERATOR))
public class ServiceDependent extends OwnedDependent<Service> {

  public ServiceDependent() {
    super(Service.class);
  }

  @Override
  protected String name(KaleemTenant t) {
    return Labels.apiName(t);
  }

  @Override
  protected Service render(KaleemTenant t, Context<KaleemTenant> ctx) {
    WorkloadPlan plan = WorkloadPlan.of(ctx);
    if (plan.keepService() && getSecondaryResource(t, ctx).isPresent()) {
      return null;
    }
    return placed(
        t,
        plan.serviceRevision() == null
            ? WorkloadResources.service(t)
            : BlueGreenResources.activeService(t, plan.serviceRevision()));
  }
}
