package io.kaleem.operator.workload;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.operator.Labels;
import io.kaleem.operator.resources.ConfigResources;
import java.util.Optional;

/**
 * The operator-generated Secret (the cursor-signing key): created once, never updated (a new key
 * would invalidate every cursor in flight), deleted with the tenant. A Secret of that name we do
 * not own is a {@link NameConflictException}.
 */
@KubernetesDependent(
    informer = @Informer(labelSelector = Labels.MANAGED_BY + "=" + Labels.OPERATOR))
public class GeneratedSecretDependent extends KubernetesDependentResource<Secret, KaleemTenant>
    implements Creator<Secret, KaleemTenant>, GarbageCollected<KaleemTenant> {

  public GeneratedSecretDependent() {
    super(Secret.class);
  }

  @Override
  protected Secret desired(KaleemTenant t, Context<KaleemTenant> ctx) {
    return OwnedDependent.placed(t, ConfigResources.generatedSecret(t));
  }

  @Override
  protected ResourceID targetSecondaryResourceID(KaleemTenant t, Context<KaleemTenant> ctx) {
    return new ResourceID(Labels.secretName(t), t.getMetadata().getNamespace());
  }

  @Override
  public Optional<Secret> getSecondaryResource(KaleemTenant t, Context<KaleemTenant> ctx) {
    return selectTargetSecondaryResource(
        eventSource().orElseThrow().getSecondaryResources(t), t, ctx);
  }

  @Override
  public Secret create(Secret desired, KaleemTenant t, Context<KaleemTenant> ctx) {
    try {
      Secret created = super.create(desired, t, ctx);
      WorkloadWrites.record(ctx, "Created", "Secret", desired.getMetadata().getName());
      return created;
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      if (e.getCode() == 409) {
        throw new NameConflictException("Secret", desired.getMetadata().getName(), e);
      }
      throw e;
    }
  }
}
