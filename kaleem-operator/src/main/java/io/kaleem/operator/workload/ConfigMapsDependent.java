package io.kaleem.operator.workload;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.BulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.kaleem.crds.config.TenantConfigRenderer;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.operator.Labels;
import io.kaleem.operator.rollout.Snapshot;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The tenant configuration, one immutable ConfigMap per revision, named after its content ({@code
 * <tenant>-config-<hash>}, the name the snapshot's pod template mounts). A new revision never edits
 * the file the running pods read: it brings its own, and a rollback brings the old one back by
 * name. A ConfigMap is kept while a Deployment or a pod of the tenant still mounts it, and deleted
 * once nothing does.
 */
@KubernetesDependent(
    informer = @Informer(labelSelector = Labels.MANAGED_BY + "=" + Labels.OPERATOR))
public class ConfigMapsDependent extends OwnedDependent<ConfigMap>
    implements io.javaoperatorsdk.operator.api.reconciler.dependent.Deleter<KaleemTenant>,
        BulkDependentResource<ConfigMap, KaleemTenant, ResourceID> {

  public ConfigMapsDependent() {
    super(ConfigMap.class);
  }

  @Override
  protected String name(KaleemTenant t) {
    throw new UnsupportedOperationException("a bulk dependent has no single target");
  }

  @Override
  protected ConfigMap render(KaleemTenant t, Context<KaleemTenant> ctx) {
    throw new UnsupportedOperationException("a bulk dependent renders in desiredResources");
  }

  /** The ConfigMap a snapshot's pod template mounts as its {@code config} volume. */
  public static String mountedBy(Snapshot s) {
    return configVolume(s.template().getSpec());
  }

  private static String configVolume(PodSpec spec) {
    if (spec == null || spec.getVolumes() == null) {
      return null;
    }
    for (Volume v : spec.getVolumes()) {
      if ("config".equals(v.getName()) && v.getConfigMap() != null) {
        return v.getConfigMap().getName();
      }
    }
    return null;
  }

  static ConfigMap render(KaleemTenant t, String name, String config) {
    return placed(
        t,
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .withImmutable(true)
            .withData(Map.of(TenantConfigRenderer.FILE_NAME, config))
            .build());
  }

  @Override
  public Map<ResourceID, ConfigMap> desiredResources(KaleemTenant t, Context<KaleemTenant> ctx) {
    WorkloadPlan plan = WorkloadPlan.of(ctx);
    Map<ResourceID, ConfigMap> actual = getSecondaryResources(t, ctx);
    Map<ResourceID, ConfigMap> out = new HashMap<>();
    // Still mounted by a Deployment or a pod (an old ReplicaSet's pods during a rolling update,
    // the active revision while BlueGreen judges a candidate): kept as it is.
    for (Deployment d : ctx.getSecondaryResources(Deployment.class)) {
      keep(t, configVolume(d.getSpec().getTemplate().getSpec()), actual, out);
    }
    for (Pod p : ctx.getSecondaryResources(Pod.class)) {
      keep(t, configVolume(p.getSpec()), actual, out);
    }
    for (Snapshot s : new Snapshot[] {plan.active(), plan.preview()}) {
      if (s != null && mountedBy(s) != null) {
        ConfigMap cm = render(t, mountedBy(s), s.config());
        out.put(ResourceID.fromResource(cm), cm);
      }
    }
    return out;
  }

  private static void keep(
      KaleemTenant t,
      String name,
      Map<ResourceID, ConfigMap> actual,
      Map<ResourceID, ConfigMap> out) {
    if (name == null) {
      return;
    }
    ResourceID id = new ResourceID(name, t.getMetadata().getNamespace());
    ConfigMap cm = actual.get(id);
    if (cm != null) {
      out.putIfAbsent(id, Serialization.clone(cm));
    }
  }

  @Override
  public Map<ResourceID, ConfigMap> getSecondaryResources(
      KaleemTenant t, Context<KaleemTenant> ctx) {
    Map<ResourceID, ConfigMap> out = new HashMap<>();
    for (ConfigMap cm : eventSource().orElseThrow().getSecondaryResources(t)) {
      out.put(ResourceID.fromResource(cm), cm);
    }
    return out;
  }

  /**
   * Only the data decides: the API server never rewrites it. A hand edit (possible where {@code
   * immutable} is not enforced) is put back.
   */
  @Override
  public Matcher.Result<ConfigMap> match(
      ConfigMap actual, ConfigMap desired, KaleemTenant t, Context<KaleemTenant> ctx) {
    return Matcher.Result.computed(Objects.equals(actual.getData(), desired.getData()), desired);
  }
}
