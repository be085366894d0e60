package io.kaleem.operator.resources;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.operator.Labels;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;

/**
 * Create-or-update of owned objects without server-side apply: the desired object's hash is kept in
 * an annotation, and an object is written only when that hash changes or the object is gone. So a
 * reconcile with nothing to do issues reads only, and fields the API server defaults never cause an
 * update loop.
 */
public class Applier {

  public enum Outcome {
    CREATED,
    UPDATED,
    UNCHANGED,
    DELETED
  }

  private final KubernetesClient client;
  private final MeterRegistry meters;

  public Applier(KubernetesClient client, MeterRegistry meters) {
    this.client = client;
    this.meters = meters;
  }

  /** The outcome of an apply and the object as the API server now holds it. */
  public record Applied<T>(Outcome outcome, T object) {}

  public <T extends HasMetadata> Outcome apply(KaleemTenant owner, T desired) {
    return applyAndGet(owner, desired).outcome();
  }

  public <T extends HasMetadata> Applied<T> applyAndGet(KaleemTenant owner, T desired) {
    own(owner, desired);
    String hash = hash(desired);
    desired.getMetadata().getAnnotations().put(Labels.DESIRED_HASH, hash);
    T actual = client.resource(desired).get();
    if (actual == null) {
      try {
        T created = client.resource(desired).create();
        count(desired, Outcome.CREATED);
        return new Applied<>(Outcome.CREATED, created);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        actual = client.resource(desired).get();
        if (actual == null) {
          throw e;
        }
      }
    }
    if (hash.equals(actual.getMetadata().getAnnotations().get(Labels.DESIRED_HASH))
        && !drifted(desired, actual)) {
      return new Applied<>(Outcome.UNCHANGED, actual);
    }
    // Another writer (the deployment controller's status, the HPA's scale) may move the
    // resourceVersion between our read and our write: read again and retry the same desired state.
    for (int attempt = 1; ; attempt++) {
      desired.getMetadata().setResourceVersion(actual.getMetadata().getResourceVersion());
      keepStatus(actual, desired);
      try {
        T updated = client.resource(desired).update();
        count(desired, Outcome.UPDATED);
        return new Applied<>(Outcome.UPDATED, updated);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 3) {
          throw e;
        }
        actual = client.resource(desired).get();
        if (actual == null) {
          throw e;
        }
      }
    }
  }

  /** Creates the object only when absent; never changes an existing one (generated secrets). */
  public <T extends HasMetadata> Outcome createIfAbsent(KaleemTenant owner, T desired) {
    own(owner, desired);
    if (client.resource(desired).get() != null) {
      return Outcome.UNCHANGED;
    }
    try {
      client.resource(desired).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return Outcome.UNCHANGED;
      }
      throw e;
    }
    count(desired, Outcome.CREATED);
    return Outcome.CREATED;
  }

  public <T extends HasMetadata> Outcome deleteIfPresent(T template) {
    if (client.resource(template).get() == null) {
      return Outcome.UNCHANGED;
    }
    client.resource(template).delete();
    count(template, Outcome.DELETED);
    return Outcome.DELETED;
  }

  public static String hash(Object o) {
    return sha256(Serialization.asJson(o)).substring(0, 16);
  }

  public static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void own(KaleemTenant owner, HasMetadata desired) {
    var meta = desired.getMetadata();
    meta.setNamespace(owner.getMetadata().getNamespace());
    if (meta.getAnnotations() == null) {
      meta.setAnnotations(new HashMap<>());
    }
    if (meta.getLabels() == null) {
      meta.setLabels(new HashMap<>());
    }
    meta.setOwnerReferences(
        List.of(
            new OwnerReferenceBuilder()
                .withApiVersion(owner.getApiVersion())
                .withKind(owner.getKind())
                .withName(owner.getMetadata().getName())
                .withUid(owner.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build()));
  }

  /**
   * Hand edits of the fields that decide what runs, compared exactly because the API server never
   * rewrites them: the ConfigMap's data, and the Deployment's revision label, config hash and
   * images. Other fields are compared through the desired-state hash only (the API server defaults
   * and normalises them, so a field-by-field comparison would never settle).
   */
  public static boolean drifted(HasMetadata desired, HasMetadata actual) {
    if (desired instanceof ConfigMap d && actual instanceof ConfigMap a) {
      return !java.util.Objects.equals(d.getData(), a.getData());
    }
    if (desired instanceof Deployment d && actual instanceof Deployment a) {
      var dt = d.getSpec().getTemplate();
      var at = a.getSpec() == null ? null : a.getSpec().getTemplate();
      if (at == null || at.getMetadata() == null || at.getSpec() == null) {
        return true;
      }
      return !java.util.Objects.equals(
              dt.getMetadata().getLabels().get(Labels.REVISION),
              at.getMetadata().getLabels() == null
                  ? null
                  : at.getMetadata().getLabels().get(Labels.REVISION))
          || !java.util.Objects.equals(
              dt.getMetadata().getAnnotations().get(Labels.CONFIG_HASH),
              at.getMetadata().getAnnotations() == null
                  ? null
                  : at.getMetadata().getAnnotations().get(Labels.CONFIG_HASH))
          || !images(dt.getSpec()).equals(images(at.getSpec()));
    }
    return false;
  }

  private static List<String> images(io.fabric8.kubernetes.api.model.PodSpec spec) {
    return spec.getContainers() == null
        ? List.of()
        : spec.getContainers().stream().map(c -> c.getImage()).toList();
  }

  private static void keepStatus(HasMetadata actual, HasMetadata desired) {
    if (actual instanceof Deployment a && desired instanceof Deployment d) {
      d.setStatus(a.getStatus());
      // Under an HPA the desired spec leaves replicas out; an update without them would be
      // defaulted to 1 by the API server and fight the autoscaler.
      if (d.getSpec().getReplicas() == null) {
        d.getSpec().setReplicas(a.getSpec().getReplicas());
      }
    } else if (actual instanceof Service a && desired instanceof Service d) {
      d.setStatus(a.getStatus());
      d.getSpec().setClusterIP(a.getSpec().getClusterIP());
      d.getSpec().setClusterIPs(a.getSpec().getClusterIPs());
    } else if (actual instanceof HorizontalPodAutoscaler a
        && desired instanceof HorizontalPodAutoscaler d) {
      d.setStatus(a.getStatus());
    } else if (actual instanceof PodDisruptionBudget a
        && desired instanceof PodDisruptionBudget d) {
      d.setStatus(a.getStatus());
    }
  }

  private void count(HasMetadata o, Outcome outcome) {
    meters
        .counter("kaleem_operator_writes_total", "kind", o.getKind(), "outcome", outcome.name())
        .increment();
  }
}
