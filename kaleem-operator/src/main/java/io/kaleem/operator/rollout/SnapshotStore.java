package io.kaleem.operator.rollout;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.operator.Labels;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Last good snapshots as {@code apps/v1} ControllerRevisions owned by the tenant (the object
 * StatefulSets and DaemonSets keep their history in): deleted with the tenant, immutable once
 * written, named after the revision so writing one twice is a no-op.
 */
public class SnapshotStore {

  private static final String DATA_TEMPLATE = "template";
  private static final String DATA_CONFIG = "config";
  private static final String DATA_IMAGES = "imageDigests";
  private static final String DATA_RENDERED_IMAGES = "renderedImages";

  private final KubernetesClient client;

  public SnapshotStore(KubernetesClient client) {
    this.client = client;
  }

  public static String name(KaleemTenant t, String revision) {
    return Labels.apiName(t) + "-" + revision;
  }

  /**
   * Stores a snapshot, its images pinned to the digests the kubelet reported for the revision's
   * ready {@code pods} ({@link ImagePins}): a rollback deploys exactly what ran, never the tag
   * resolved again. {@code imageDigests} keeps the pins beside the template, for the engineer.
   */
  public String save(KaleemTenant t, Snapshot rendered, long number, List<Pod> pods) {
    String name = name(t, rendered.revision());
    Map<String, String> pins = ImagePins.of(pods);
    Snapshot s = rendered.pinned(pins);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put(DATA_TEMPLATE, s.template());
    data.put(DATA_CONFIG, s.config());
    data.put(DATA_IMAGES, pins);
    data.put(DATA_RENDERED_IMAGES, s.renderedImages());
    ControllerRevision cr =
        new ControllerRevisionBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(t.getMetadata().getNamespace())
            .withLabels(Labels.common(t))
            .addToLabels(Labels.REVISION, s.revision())
            .withOwnerReferences(
                List.of(
                    new OwnerReferenceBuilder()
                        .withApiVersion(t.getApiVersion())
                        .withKind(t.getKind())
                        .withName(t.getMetadata().getName())
                        .withUid(t.getMetadata().getUid())
                        .withController(true)
                        .withBlockOwnerDeletion(true)
                        .build()))
            .endMetadata()
            .withRevision(number)
            .withData(data)
            .build();
    try {
      client
          .apps()
          .controllerRevisions()
          .inNamespace(t.getMetadata().getNamespace())
          .resource(cr)
          .create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // Same name, same revision hash: the content is the same snapshot.
    }
    return name;
  }

  /** The stored snapshot, or null when it is gone (deleted by hand). */
  public Snapshot load(KaleemTenant t, String name) {
    ControllerRevision cr =
        client
            .apps()
            .controllerRevisions()
            .inNamespace(t.getMetadata().getNamespace())
            .withName(name)
            .get();
    return cr == null ? null : fromRevision(cr);
  }

  /** The snapshot a ControllerRevision holds, or null when it holds none. */
  public static Snapshot fromRevision(ControllerRevision cr) {
    if (cr.getData() == null) {
      return null;
    }
    // data is free-form (RawExtension): read it back through JSON, whatever type it arrived as.
    Map<?, ?> data = Serialization.unmarshal(Serialization.asJson(cr.getData()), Map.class);
    if (data.get(DATA_TEMPLATE) == null || data.get(DATA_CONFIG) == null) {
      return null;
    }
    PodTemplateSpec template =
        Serialization.unmarshal(
            Serialization.asJson(data.get(DATA_TEMPLATE)), PodTemplateSpec.class);
    String revision = template.getMetadata().getLabels().get(Labels.REVISION);
    String config = String.valueOf(data.get(DATA_CONFIG));
    if (!(data.get(DATA_RENDERED_IMAGES) instanceof Map<?, ?> rendered)) {
      return new Snapshot(revision, config, template);
    }
    Map<String, String> images = new java.util.TreeMap<>();
    rendered.forEach((k, v) -> images.put(String.valueOf(k), String.valueOf(v)));
    return new Snapshot(revision, config, template, images);
  }
}
