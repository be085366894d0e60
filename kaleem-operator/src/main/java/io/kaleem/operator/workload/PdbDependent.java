package io.kaleem.operator.workload;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.operator.Labels;
import io.kaleem.operator.resources.WorkloadResources;

/** The PodDisruptionBudget: at most one API pod evicted at a time. */
@KubernetesDependent(
    informer = @Informer(labelSelector = Labels.MANAGED_BY + "=" + Labels.OPERATOR))
public class PdbDependent extends OwnedDependent<PodDisruptionBudget> {

  public PdbDependent() {
    super(PodDisruptionBudget.class);
  }

  @Override
  protected String name(KaleemTenant t) {
    return Labels.apiName(t);
  }

  @Override
  protected PodDisruptionBudget render(KaleemTenant t, Context<KaleemTenant> ctx) {
    return placed(t, WorkloadResources.pdb(t));
  }
}
