package io.kaleem.operator.rollout;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
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

  /**
   * This snapshot with its images pinned to the digests the cluster reported for the revision's
   * ready pods ({@link ImagePins}); the revision stays the same: it names what was judged, and the
   * digests are what ran under that name.
   */
  public Snapshot pinned(Map<String, String> pins) {
    return new Snapshot(revision, config, ImagePins.pin(templateCopy(), pins));
  }

  /**
   * The template to write into {@code deployment}: when it already runs this revision, its current
   * template (the revision's rendering, or that rendering pinned to digests), so a rollback that
   * completed, a promotion, or an operator upgrade never replaces the pods of a revision with
   * themselves. A revision label is the hash of the rendered template, so the same label means the
   * same workload.
   */
  public Snapshot keepingTemplateOf(Deployment deployment) {
    if (deployment == null
        || deployment.getSpec() == null
        || deployment.getSpec().getTemplate() == null
        || deployment.getSpec().getTemplate().getMetadata() == null
        || deployment.getSpec().getTemplate().getMetadata().getLabels() == null
        || !revision.equals(
            deployment.getSpec().getTemplate().getMetadata().getLabels().get(Labels.REVISION))) {
      return this;
    }
    return new Snapshot(revision, config, Serialization.clone(deployment.getSpec().getTemplate()));
  }

  /** A deep copy: snapshots are shared between reconciles and must never be edited in place. */
  public PodTemplateSpec templateCopy() {
    return Serialization.clone(template);
  }
}
