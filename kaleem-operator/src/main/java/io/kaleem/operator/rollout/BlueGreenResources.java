package io.kaleem.operator.rollout;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.operator.Labels;
import io.kaleem.operator.resources.WorkloadResources;

/**
 * The objects of a BlueGreen rollout. The tenant Service selects one revision (the active one); the
 * preview Deployment runs the candidate beside it, behind the preview Service only; its ConfigMap
 * is the candidate revision's own (content-addressed), so the active pods' file is never touched.
 * The pods of both Deployments carry their revision label, so after the switch the Service keeps
 * serving from the preview's ready pods while the active Deployment catches up.
 */
public final class BlueGreenResources {

  private BlueGreenResources() {}

  public static String previewName(KaleemTenant t) {
    return Labels.apiName(t) + "-preview";
  }

  /** The tenant Service, sending traffic to one revision only. */
  public static Service activeService(KaleemTenant t, String revision) {
    Service s = WorkloadResources.service(t);
    s.getSpec().getSelector().put(Labels.REVISION, revision);
    return s;
  }

  /** The preview Service: the candidate's pods, for smoke tests and analysis traffic. */
  public static Service previewService(KaleemTenant t, String revision) {
    Service s = WorkloadResources.service(t);
    s.getMetadata().setName(previewName(t));
    s.getSpec().getSelector().put(Labels.REVISION, revision);
    return s;
  }

  /**
   * The preview Deployment, from the Deployment the active one would be with this template: same
   * strategy and deadline, its own name and a selector narrowed to the candidate revision (so the
   * two Deployments never adopt each other's pods).
   */
  public static Deployment preview(KaleemTenant t, Deployment asActive, int replicas) {
    Deployment d = new DeploymentBuilder(asActive).build();
    d.getMetadata().setName(previewName(t));
    String revision = d.getSpec().getTemplate().getMetadata().getLabels().get(Labels.REVISION);
    d.getSpec().getSelector().getMatchLabels().put(Labels.REVISION, revision);
    d.getSpec().setReplicas(replicas);
    return d;
  }

  /** The preview scaled away (kept, so its ReplicaSet history stays readable). */
  public static Deployment scaledDown(Deployment current) {
    Deployment d = new DeploymentBuilder(current).build();
    d.getSpec().setReplicas(0);
    return d;
  }
}
