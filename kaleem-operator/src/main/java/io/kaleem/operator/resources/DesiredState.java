package io.kaleem.operator.resources;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kaleem.operator.Labels;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What decides whether an owned object is written: the hash of what we render (kept in an
 * annotation, so fields the API server defaults never cause an update loop) and the hand edits that
 * hash cannot see.
 */
public final class DesiredState {

  private DesiredState() {}

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

  /**
   * Hand edits of the fields that decide what runs or alerts, compared exactly because the API
   * server never rewrites them: the ConfigMap's data; the Deployment's revision label, config hash
   * and images; every field of a prometheus-operator object's spec that we render (a field the
   * server or prometheus-operator adds is not ours and not compared, so a default never loops).
   * Other fields are compared through the desired-state hash only (the API server defaults and
   * normalises them, so a field-by-field comparison would never settle).
   */
  public static boolean drifted(HasMetadata desired, HasMetadata actual) {
    if (desired instanceof ConfigMap d && actual instanceof ConfigMap a) {
      return !Objects.equals(d.getData(), a.getData());
    }
    if (desired instanceof GenericKubernetesResource d
        && actual instanceof GenericKubernetesResource a) {
      return !covers(
          a.getAdditionalProperties().get("spec"), d.getAdditionalProperties().get("spec"));
    }
    if (desired instanceof Deployment d && actual instanceof Deployment a) {
      var dt = d.getSpec().getTemplate();
      var at = a.getSpec() == null ? null : a.getSpec().getTemplate();
      if (at == null || at.getMetadata() == null || at.getSpec() == null) {
        return true;
      }
      return !Objects.equals(
              dt.getMetadata().getLabels().get(Labels.REVISION),
              at.getMetadata().getLabels() == null
                  ? null
                  : at.getMetadata().getLabels().get(Labels.REVISION))
          || !Objects.equals(
              dt.getMetadata().getAnnotations().get(Labels.CONFIG_HASH),
              at.getMetadata().getAnnotations() == null
                  ? null
                  : at.getMetadata().getAnnotations().get(Labels.CONFIG_HASH))
          || !images(dt.getSpec()).equals(images(at.getSpec()));
    }
    return false;
  }

  /**
   * Whether {@code actual} holds everything in {@code ours}: maps key by key (extra keys allowed),
   * lists element by element with the same length (a removed or added rule counts), values equal as
   * JSON values (a number read back as another numeric type still equals).
   */
  static boolean covers(Object actual, Object ours) {
    if (ours instanceof Map<?, ?> o) {
      return actual instanceof Map<?, ?> a
          && o.entrySet().stream().allMatch(e -> covers(a.get(e.getKey()), e.getValue()));
    }
    if (ours instanceof List<?> o) {
      if (!(actual instanceof List<?> a) || a.size() != o.size()) {
        return false;
      }
      for (int i = 0; i < o.size(); i++) {
        if (!covers(a.get(i), o.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (ours instanceof Number o && actual instanceof Number a) {
      return o.doubleValue() == a.doubleValue();
    }
    return Objects.equals(ours, actual);
  }

  private static List<String> images(io.fabric8.kubernetes.api.model.PodSpec spec) {
    return spec.getContainers() == null
        ? List.of()
        : spec.getContainers().stream().map(c -> c.getImage()).toList();
  }
}
