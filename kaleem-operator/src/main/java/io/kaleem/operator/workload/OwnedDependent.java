package io.kaleem.operator.workload;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.operator.Labels;
import io.kaleem.operator.resources.DesiredState;
import java.util.HashMap;
import java.util.Map;

/**
 * A tenant-owned object kept by a JOSDK dependent, read from its informer (label {@code
 * app.kubernetes.io/managed-by=kaleem-operator}, mapped to the tenant by controller owner
 * reference), so a reconcile with nothing to change sends no request.
 *
 * <p>Writes are JOSDK's server-side apply (field manager {@code kaleem-operator}, forced): the
 * applied configuration is everything we render, so a field we stop rendering is removed, while
 * other writers' labels, annotations and fields (an HPA's {@code replicas}) survive; no
 * resourceVersion is sent on an update, so a concurrent status or scale write cannot make it a 409.
 * A create is an apply with resourceVersion {@code "1"} (JOSDK's {@code
 * createResourceOnlyIfNotExistingWithSSA}): an object that already exists answers 409, a {@link
 * NameConflictException}: it was not in our cache, so it is not ours, and it is never adopted.
 */
public abstract class OwnedDependent<R extends HasMetadata>
    extends KubernetesDependentResource<R, KaleemTenant>
    implements Creator<R, KaleemTenant>, Updater<R, KaleemTenant> {

  protected OwnedDependent(Class<R> type) {
    super(type);
  }

  /**
   * Objects map to their tenant through the controller owner reference {@link #placed} writes. Not
   * a {@code GarbageCollected} dependent: that would make every dependent a deleter, and a false
   * precondition would delete the BlueGreen preview; only {@link HpaDependent} and {@link
   * ConfigMapsDependent} delete. The API server's garbage collector removes the rest with the
   * tenant.
   */
  @Override
  protected java.util.Optional<
          io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper<R>>
      getSecondaryToPrimaryMapper(
          io.javaoperatorsdk.operator.api.reconciler.EventSourceContext<KaleemTenant> ctx) {
    return java.util.Optional.of(
        io.javaoperatorsdk.operator.processing.event.source.informer.Mappers.fromOwnerReferences(
            KaleemTenant.class, false));
  }

  /** The owner reference is part of what {@link #placed} renders. */
  @Override
  protected void addReferenceHandlingMetadata(R desired, KaleemTenant t) {}

  /** The object's name; the target is found without rendering it. */
  protected abstract String name(KaleemTenant t);

  @Override
  protected ResourceID targetSecondaryResourceID(KaleemTenant t, Context<KaleemTenant> ctx) {
    return new ResourceID(name(t), t.getMetadata().getNamespace());
  }

  /**
   * The target from this dependent's own informer: another informer of the same kind (the
   * referenced Secrets and ConfigMaps) must not make the lookup ambiguous.
   */
  @Override
  public java.util.Optional<R> getSecondaryResource(KaleemTenant t, Context<KaleemTenant> ctx) {
    return selectTargetSecondaryResource(
        eventSource().orElseThrow().getSecondaryResources(t), t, ctx);
  }

  /** Namespace, common labels and an annotations map on a rendered object. */
  protected static <T extends HasMetadata> T placed(KaleemTenant t, T o) {
    o.getMetadata().setNamespace(t.getMetadata().getNamespace());
    Map<String, String> labels =
        o.getMetadata().getLabels() == null
            ? new HashMap<>()
            : new HashMap<>(o.getMetadata().getLabels());
    labels.putAll(Labels.common(t));
    o.getMetadata().setLabels(labels);
    if (o.getMetadata().getAnnotations() == null) {
      o.getMetadata().setAnnotations(new HashMap<>());
    }
    // The controller reference (blockOwnerDeletion: foreground deletion of the tenant waits for
    // it); the informer maps objects back to their tenant through it.
    o.getMetadata()
        .setOwnerReferences(
            java.util.List.of(
                new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
                    .withApiVersion(t.getApiVersion())
                    .withKind(t.getKind())
                    .withName(t.getMetadata().getName())
                    .withUid(t.getMetadata().getUid())
                    .withController(true)
                    .withBlockOwnerDeletion(true)
                    .build()));
    return o;
  }

  @Override
  public R create(R desired, KaleemTenant t, Context<KaleemTenant> ctx) {
    try {
      R created = super.create(desired, t, ctx);
      WorkloadWrites.record(ctx, "Created", desired.getKind(), desired.getMetadata().getName());
      return created;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        throw new NameConflictException(desired.getKind(), desired.getMetadata().getName(), e);
      }
      throw e;
    }
  }

  /**
   * The object to write, or null to leave the existing one exactly as it is (a BlueGreen judgement
   * keeps the active Deployment and Service untouched).
   */
  protected abstract R render(KaleemTenant t, Context<KaleemTenant> ctx);

  @Override
  protected final R desired(KaleemTenant t, Context<KaleemTenant> ctx) {
    R r = render(t, ctx);
    if (r == null) {
      return getSecondaryResource(t, ctx)
          .map(Serialization::clone)
          .orElseThrow(
              () -> new IllegalStateException(name(t) + " is to be kept but does not exist"));
    }
    return hashed(r);
  }

  /**
   * Stamps the hash of what we render, before any server default: equal hashes mean nothing of ours
   * changed, whatever the API server added (so defaults never cause an update loop).
   */
  private R hashed(R r) {
    r.getMetadata().getAnnotations().remove(Labels.DESIRED_HASH);
    r.getMetadata().getAnnotations().put(Labels.DESIRED_HASH, DesiredState.hash(r));
    return r;
  }

  /**
   * Written when our rendering changed (the desired-state hash), or when a field that decides what
   * runs was edited by hand (revision label, config hash, images, ConfigMap data: compared exactly,
   * because the API server never rewrites them). A kept object always matches.
   */
  @Override
  public Matcher.Result<R> match(R actual, KaleemTenant t, Context<KaleemTenant> ctx) {
    // Rendered once per match (a Deployment's render copies its snapshot's template and
    // serializes the result for its hash: the bulk of an idle reconcile's CPU on a fleet).
    R rendered = render(t, ctx);
    if (rendered == null) {
      return Matcher.Result.computed(true, actual);
    }
    R desired = hashed(rendered);
    String hash = desired.getMetadata().getAnnotations().get(Labels.DESIRED_HASH);
    Map<String, String> have = actual.getMetadata().getAnnotations();
    boolean same =
        have != null
            && hash.equals(have.get(Labels.DESIRED_HASH))
            && !DesiredState.drifted(desired, actual);
    return Matcher.Result.computed(same, desired);
  }

  /** Server-side apply of what we render (JOSDK's SSA update, forced, field manager ours). */
  @Override
  public R update(R actual, R desired, KaleemTenant t, Context<KaleemTenant> ctx) {
    R updated = super.update(actual, applicable(desired, ctx), t, ctx);
    WorkloadWrites.record(ctx, "Updated", desired.getKind(), desired.getMetadata().getName());
    return updated;
  }

  /**
   * A rendering derived from the live object (the BlueGreen preview scaled down) carries what the
   * server set: an apply with managedFields is refused, a resourceVersion would be a precondition
   * (a 409 whenever the pods' status moved), and status is not ours to own.
   */
  @SuppressWarnings("unchecked")
  static <R extends HasMetadata> R applicable(R desired, Context<KaleemTenant> ctx) {
    var m = desired.getMetadata();
    if ((m.getManagedFields() == null || m.getManagedFields().isEmpty())
        && m.getResourceVersion() == null) {
      return desired;
    }
    var json = ctx.getClient().getKubernetesSerialization();
    Map<String, Object> map = json.convertValue(desired, Map.class);
    map.remove("status");
    Map<String, Object> meta = (Map<String, Object>) map.get("metadata");
    for (String k :
        new String[] {
          "managedFields", "resourceVersion", "uid", "creationTimestamp", "generation"
        }) {
      meta.remove(k);
    }
    return (R) json.convertValue(map, desired.getClass());
  }

  @Override
  public void deleteTargetResource(
      KaleemTenant t, R resource, ResourceID key, Context<KaleemTenant> ctx) {
    super.deleteTargetResource(t, resource, key, ctx);
    WorkloadWrites.record(ctx, "Deleted", resource.getKind(), resource.getMetadata().getName());
  }

  @Override
  protected void handleDelete(KaleemTenant t, R secondary, Context<KaleemTenant> ctx) {
    super.handleDelete(t, secondary, ctx);
    if (secondary != null) {
      WorkloadWrites.record(ctx, "Deleted", secondary.getKind(), secondary.getMetadata().getName());
    }
  }
}
