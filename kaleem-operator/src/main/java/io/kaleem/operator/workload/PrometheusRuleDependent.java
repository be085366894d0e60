package io.kaleem.operator.workload;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.operator.Labels;
import io.kaleem.operator.resources.MonitoringResources;

/** The tenant's SLO alerts, {@code <tenant>-slo}, where prometheus-operator is installed. */
@KubernetesDependent(
    informer = @Informer(labelSelector = Labels.MANAGED_BY + "=" + Labels.OPERATOR))
public class PrometheusRuleDependent extends MonitoringDependent {

  public static final String NAME = "prometheus-rule";

  public PrometheusRuleDependent() {
    super(MonitoringResources.KIND, MonitoringResources.CRD);
  }

  @Override
  protected String name(KaleemTenant t) {
    return Labels.ruleName(t);
  }

  @Override
  protected GenericKubernetesResource render(KaleemTenant t, Context<KaleemTenant> ctx) {
    return placed(t, MonitoringResources.rule(t, WorkloadPlan.of(ctx).spec()));
  }

  /** Activation: the PrometheusRule CRD is installed. */
  public static class CrdPresent extends CrdInstalled {
    public CrdPresent() {
      super(MonitoringResources.CRD);
    }
  }
}
