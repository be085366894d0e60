package io.kaleem.operator.rollout;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.operator.Labels;
import io.kaleem.operator.resources.ConfigResources;
import io.kaleem.operator.resources.DesiredState;
import io.kaleem.operator.resources.WorkloadResources;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything that decides what a revision runs, as rendered once: the pod template (revision label
 * included) and the tenant configuration file it mounts. A rollback restores a stored snapshot byte
 * for byte; it never renders an old spec again with today's code, so an operator upgrade that
 * renders differently cannot change what "last good" means.
 *
 * @param revision hash of the template and configuration; the pods' {@code kaleem.io/revision}
 * @param template the pod template, its images pinned to digests once the revision ran ({@link
 *     #pinned})
 * @param renderedImages container name to the image as rendered (a tag, as the spec names it)
 */
public record Snapshot(
    String revision, String config, PodTemplateSpec template, Map<String, String> renderedImages) {

  public Snapshot(String revision, String config, PodTemplateSpec template) {
    this(revision, config, template, images(template));
  }

  /**
   * Renders a spec. {@code podAnnotations} are the platform-wide annotations of the operator's
   * configuration; they are part of the template, so they are part of the revision.
   */
  public static Snapshot render(
      KaleemTenant t, KaleemTenantSpec spec, Map<String, String> podAnnotations) {
    String config = ConfigResources.propertiesFile(t, spec);
    WorkloadResources.Template tpl =
        WorkloadResources.podTemplate(t, spec, DesiredState.sha256(config).substring(0, 16));
    PodTemplateSpec template = tpl.template();
    if (podAnnotations.isEmpty()) {
      return new Snapshot(tpl.revision(), config, template);
    }
    // The revision is the hash of the template without its own label, as WorkloadResources does.
    template.getMetadata().getLabels().remove(Labels.REVISION);
    template.getMetadata().getAnnotations().putAll(podAnnotations);
    String revision = DesiredState.hash(template).substring(0, 10);
    template.getMetadata().getLabels().put(Labels.REVISION, revision);
    return new Snapshot(revision, config, template);
  }

  /**
   * This snapshot with its images pinned to the digests the cluster reported for the revision's
   * ready pods ({@link ImagePins}); the revision stays the same: it names what was judged, and the
   * digests are what ran under that name.
   */
  public Snapshot pinned(Map<String, String> pins) {
    return new Snapshot(revision, config, ImagePins.pin(templateCopy(), pins), renderedImages);
  }

  /**
   * This snapshot as it should be written into {@code deployment}: when the Deployment already runs
   * this revision, each container keeps the image it runs if that is this revision's image as
   * rendered (a tag) or as pinned (a digest of the same repository), so a promotion, a completed
   * rollback, an operator upgrade or a BlueGreen rollback never replaces a revision's pods with
   * themselves. Any other image (a hand edit) is put back. Nothing but images is taken from the
   * Deployment.
   */
  public Snapshot keepingImagesOf(Deployment deployment) {
    if (deployment == null
        || deployment.getSpec() == null
        || deployment.getSpec().getTemplate() == null
        || deployment.getSpec().getTemplate().getMetadata() == null
        || deployment.getSpec().getTemplate().getMetadata().getLabels() == null
        || !revision.equals(
            deployment.getSpec().getTemplate().getMetadata().getLabels().get(Labels.REVISION))) {
      return this;
    }
    Map<String, String> running = images(deployment.getSpec().getTemplate());
    PodTemplateSpec copy = templateCopy();
    if (copy.getSpec() != null && copy.getSpec().getContainers() != null) {
      for (Container c : copy.getSpec().getContainers()) {
        String deployed = running.get(c.getName());
        if (deployed != null && sameContent(deployed, c.getImage(), c.getName())) {
          c.setImage(deployed);
        }
      }
    }
    return new Snapshot(revision, config, copy, renderedImages);
  }

  /**
   * Whether {@code deployed} is this revision's image for the container: the one stored, the one
   * rendered, or (when this snapshot names a tag) a digest of that tag's repository, which is what
   * a rollback to this revision deployed.
   */
  private boolean sameContent(String deployed, String image, String container) {
    if (deployed.equals(image) || deployed.equals(renderedImages.get(container))) {
      return true;
    }
    return image != null
        && !image.contains("@")
        && ImagePins.digest(deployed).isPresent()
        && ImagePins.repository(deployed.substring(0, deployed.indexOf('@')))
            .equals(ImagePins.repository(image));
  }

  static Map<String, String> images(PodTemplateSpec template) {
    Map<String, String> out = new TreeMap<>();
    if (template != null
        && template.getSpec() != null
        && template.getSpec().getContainers() != null) {
      for (Container c : template.getSpec().getContainers()) {
        if (c.getImage() != null) {
          out.put(c.getName(), c.getImage());
        }
      }
    }
    return out;
  }

  /** A deep copy: snapshots are shared between reconciles and must never be edited in place. */
  public PodTemplateSpec templateCopy() {
    return Serialization.clone(template);
  }
}
