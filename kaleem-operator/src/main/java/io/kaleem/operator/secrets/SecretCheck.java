package io.kaleem.operator.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.kaleem.crds.config.ApiEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks, before anything is written, that every Secret and ConfigMap key the API pod needs exists
 * and is not empty. Without it a rollout would start and its pods would sit in {@code
 * CreateContainerConfigError} (or crash on a bad key) while the old ones keep serving: half
 * applied. The values are read only to be checked; they are never logged or copied.
 */
public final class SecretCheck {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A missing or unusable reference.
   *
   * @param reason {@code SecretNotFound}, {@code ConfigMapNotFound}, {@code KeyNotFound} or {@code
   *     InvalidJwkSet}
   */
  public record Problem(String reason, String message) {}

  private final ReferencedObjects objects;

  /** Reads from the informer caches of {@code objects}: a check sends no request. */
  public SecretCheck(ReferencedObjects objects) {
    this.objects = objects;
  }

  /** The problems of {@code refs} in {@code namespace}; empty when the pod can start. */
  public List<Problem> problems(String namespace, List<ApiSecrets.Ref> refs) {
    List<Problem> out = new ArrayList<>();
    for (ApiSecrets.Ref r : refs) {
      if (r.optional()) {
        continue;
      }
      Map<String, String> data = data(namespace, r);
      if (data == null) {
        out.add(
            new Problem(
                r.source() + "NotFound",
                r.source()
                    + " "
                    + r.name()
                    + " ("
                    + r.field()
                    + ") not found in namespace "
                    + namespace));
        continue;
      }
      String value = data.get(r.key());
      if (value == null || value.isBlank()) {
        out.add(
            new Problem(
                "KeyNotFound",
                r.source() + " " + r.name() + " has no key '" + r.key() + "' (" + r.field() + ")"));
        continue;
      }
      if (r.env().equals(ApiEnv.JWT_JWKS)) {
        jwkSetProblem(value)
            .ifPresent(p -> out.add(new Problem("InvalidJwkSet", r.describe() + p)));
      }
    }
    return out;
  }

  /** Decoded data of the referenced object, or null when it does not exist. */
  private Map<String, String> data(String namespace, ApiSecrets.Ref r) {
    Map<String, String> out = new HashMap<>();
    if (r.source() == ApiSecrets.Source.Secret) {
      Secret s = objects.secret(namespace, r.name());
      if (s == null) {
        return null;
      }
      if (s.getData() != null) {
        s.getData()
            .forEach(
                (k, v) ->
                    out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
      }
      if (s.getStringData() != null) {
        out.putAll(s.getStringData());
      }
      return out;
    }
    ConfigMap cm = objects.configMap(namespace, r.name());
    if (cm == null) {
      return null;
    }
    if (cm.getData() != null) {
      out.putAll(cm.getData());
    }
    if (cm.getBinaryData() != null) {
      cm.getBinaryData().keySet().forEach(k -> out.put(k, "binary"));
    }
    return out;
  }

  /**
   * The API refuses to start without a JWK set of keys with kids; say so on the tenant instead of
   * in a crash-looping pod. The curve and the private parts are the API's to check.
   */
  private static Optional<String> jwkSetProblem(String value) {
    JsonNode keys;
    try {
      keys = JSON.readTree(value).path("keys");
    } catch (IOException e) {
      return Optional.of(" is not JSON (a JWK set: {\"keys\":[...]})");
    }
    if (!keys.isArray() || keys.isEmpty()) {
      return Optional.of(" is not a JWK set: it needs a non-empty \"keys\" array");
    }
    for (JsonNode k : keys) {
      if (!k.path("kid").isTextual()) {
        return Optional.of(" is not usable: every key of the JWK set needs a kid");
      }
    }
    return Optional.empty();
  }
}
