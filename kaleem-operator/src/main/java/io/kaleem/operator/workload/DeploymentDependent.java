package io.kaleem.operator.workload;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.operator.Labels;
import io.kaleem.operator.resources.WorkloadResources;
import java.util.Map;

/**
 * The tenant's API Deployment, running the snapshot the rollout decision chose ({@link
 * WorkloadPlan#active()}); while a BlueGreen candidate is judged on the preview it is left exactly
 * as it is. Its informer is the one every rollout judgement reads.
 */
@KubernetesDependent(
    informer = @Informer(labelSelector = Labels.MANAGED_BY + "=" + Labels.OPERATOR))
public class DeploymentDependent extends OwnedDependent<Deployment> {

  public DeploymentDependent() {
    super(Deployment.class);
  }

  @Override
  protected String name(KaleemTenant t) {
    return Labels.apiName(t);
  }

  /**
   * Handing {@code spec.replicas} to the HPA (autoscaling switched on): an apply that merely omits
   * a field we own makes the API server remove it, and the Deployment would fall to the default of
   * one replica until the HPA acts. As the server-side apply documentation does for this case,
   * another manager first applies the current value, so the field is co-owned and survives our
   * apply; the HPA's own writes take it from there.
   */
  @Override
  public Deployment update(
      Deployment actual, Deployment desired, KaleemTenant t, Context<KaleemTenant> ctx) {
    Integer replicas = actual.getSpec().getReplicas();
    if (desired.getSpec().getReplicas() == null && replicas != null && weOwnReplicas(actual)) {
      ctx.getClient()
          .resource(
              new DeploymentBuilder()
                  .withNewMetadata()
                  .withName(actual.getMetadata().getName())
                  .withNamespace(actual.getMetadata().getNamespace())
                  .endMetadata()
                  .withNewSpec()
                  .withReplicas(replicas)
                  .endSpec()
                  .build())
          .fieldManager(REPLICAS_HANDOVER)
          .forceConflicts()
          .serverSideApply();
    }
    return super.update(actual, desired, t, ctx);
  }

  /** The field manager that holds {@code spec.replicas} while it passes to the HPA. */
  static final String REPLICAS_HANDOVER = Labels.OPERATOR + "-handover-to-hpa";

  @SuppressWarnings("unchecked")
  private static boolean weOwnReplicas(Deployment d) {
    if (d.getMetadata().getManagedFields() == null) {
      return false;
    }
    return d.getMetadata().getManagedFields().stream()
        .filter(e -> Labels.OPERATOR.equals(e.getManager()) && "Apply".equals(e.getOperation()))
        .map(e -> e.getFieldsV1().getAdditionalProperties().get("f:spec"))
        .anyMatch(spec -> spec instanceof Map<?, ?> m && m.containsKey("f:replicas"));
  }

  @Override
  protected Deployment render(KaleemTenant t, Context<KaleemTenant> ctx) {
    WorkloadPlan plan = WorkloadPlan.of(ctx);
    if (plan.active() == null) {
      return null;
    }
    return placed(
        t,
        WorkloadResources.deployment(
            t,
            plan.spec(),
            new WorkloadResources.Template(
                plan.active().templateCopy(), plan.active().revision())));
  }
}
