package io.kaleem.operator.workload;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.operator.resources.MonitoringResources;

/**
 * A prometheus-operator object of the tenant (no Java model: a {@link GenericKubernetesResource} of
 * a fixed kind), kept like every other owned object: read from its own informer, written by the
 * server-side apply of {@link OwnedDependent}, a hand edit repaired by the informer's event. Its
 * informer exists only while the kind's CRD does ({@link CrdInstalled}, the activation condition).
 */
public abstract class MonitoringDependent extends OwnedDependent<GenericKubernetesResource> {

  private final GroupVersionKind kind;
  private final String crd;

  protected MonitoringDependent(String kind, String crd) {
    super(GenericKubernetesResource.class);
    this.kind = new GroupVersionKind(MonitoringResources.GROUP, MonitoringResources.VERSION, kind);
    this.crd = crd;
  }

  /** The kind, as in messages. */
  public String kind() {
    return kind.getKind();
  }

  /** The name of the kind's CRD. */
  public String crd() {
    return crd;
  }

  @Override
  protected InformerEventSourceConfiguration.Builder<GenericKubernetesResource>
      informerConfigurationBuilder(EventSourceContext<KaleemTenant> ctx) {
    return InformerEventSourceConfiguration.from(kind, KaleemTenant.class);
  }
}
