package io.kaleem.operator.workload;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.operator.Labels;
import io.kaleem.operator.resources.MonitoringResources;

/** The scrape of the API pods' /metrics, {@code <tenant>-api}, where the PodMonitor CRD exists. */
@KubernetesDependent(
    informer = @Informer(labelSelector = Labels.MANAGED_BY + "=" + Labels.OPERATOR))
public class PodMonitorDependent extends MonitoringDependent {

  public static final String NAME = "pod-monitor";

  public PodMonitorDependent() {
    super(MonitoringResources.POD_MONITOR_KIND, MonitoringResources.POD_MONITOR_CRD);
  }

  @Override
  protected String name(KaleemTenant t) {
    return Labels.apiName(t);
  }

  @Override
  protected GenericKubernetesResource render(KaleemTenant t, Context<KaleemTenant> ctx) {
    return placed(t, MonitoringResources.podMonitor(t));
  }

  /** Activation: the PodMonitor CRD is installed. */
  public static class CrdPresent extends CrdInstalled {
    public CrdPresent() {
      super(MonitoringResources.POD_MONITOR_CRD);
    }
  }
}
