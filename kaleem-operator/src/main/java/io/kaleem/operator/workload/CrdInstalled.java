package io.kaleem.operator.workload;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.DetailedCondition;
import io.kaleem.crds.v1alpha1.KaleemTenant;

/**
 * Activation condition of a dependent whose kind comes with an optional CRD (prometheus-operator's
 * PrometheusRule and PodMonitor). While it holds, JOSDK registers and starts the dependent's
 * informer and reconciles it; once it no longer holds (the CRD was removed), JOSDK stops and
 * deregisters the informer and leaves the dependent alone, and registers a fresh one if the CRD
 * comes back. The answer comes from {@link CrdChecks}, which re-asks at a bounded interval; its
 * detail ({@link CrdChecks.Answer}) is read back from the workflow result for MonitoringReady.
 */
public abstract class CrdInstalled
    implements DetailedCondition<GenericKubernetesResource, KaleemTenant, CrdChecks.Answer> {

  private final String crd;

  protected CrdInstalled(String crd) {
    this.crd = crd;
  }

  @Override
  public Result<CrdChecks.Answer> detailedIsMet(
      DependentResource<GenericKubernetesResource, KaleemTenant> dependent,
      KaleemTenant t,
      Context<KaleemTenant> ctx) {
    CrdChecks.Answer a = CrdChecks.of(ctx).check(crd, ctx.getClient());
    return Result.withResult(a.present(), a);
  }
}
