package io.kaleem.operator.rollout;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.operator.Labels;
import io.kaleem.operator.resources.Applier;
import io.kaleem.operator.resources.ConfigResources;
import io.kaleem.operator.resources.WorkloadResources;
import java.util.Map;

/**
 * Everything that decides what a revision runs, as rendered once: the pod template (revision label
 * included) and the tenant configuration file it mounts. A rollback restores a stored snapshot byte
 * for byte; it never renders an old spec again with today's code, so an operator upgrade that
 * renders differently cannot change what "last good" means.
 *
 * @param revision hash of the template and configuration; the pods' {@code kaleem.io/revision}
 */
public record Snapshot(String revision, String config, PodTemplateSpec template) {

  /**
   * Renders a spec. {@code podAnnotations} are the platform-wide annotations of the operator's
   * configuration; they are part of the template, so they are part of the revision.
   */
  public static Snapshot render(
      KaleemTenant t, KaleemTenantSpec spec, Map<String, String> podAnnotations) {
    String config = ConfigResources.propertiesFile(t, spec);
    WorkloadResources.Template tpl =
        WorkloadResources.podTemplate(t, spec, Applier.sha256(config).substring(0, 16));
    PodTemplateSpec template = tpl.template();
    if (podAnnotations.isEmpty()) {
      return new Snapshot(tpl.revision(), config, template);
    }
    // The revision is the hash of the template without its own label, as WorkloadResources does.
    template.getMetadata().getLabels().remove(Labels.REVISION);
    template.getMetadata().getAnnotations().putAll(podAnnotations);
    String revision = Applier.hash(template).substring(0, 10);
    template.getMetadata().getLabels().put(Labels.REVISION, revision);
    return new Snapshot(revision, config, template);
  }

  /** A deep copy: snapshots are shared between reconciles and must never be edited in place. */
  public PodTemplateSpec templateCopy() {
    return Serialization.clone(template);
  }
}
