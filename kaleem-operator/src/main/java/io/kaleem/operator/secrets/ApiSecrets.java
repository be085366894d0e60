package io.kaleem.operator.secrets;

import io.kaleem.crds.config.ApiEnv;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Every Secret and ConfigMap key the API pod of a spec reads, with the spec field that names it.
 * The Deployment's env is built from the same list ({@code ApiEnvironment}), so what is checked
 * before a rollout is exactly what the kubelet will resolve.
 */
public final class ApiSecrets {

  /** Where a value comes from. */
  public enum Source {
    Secret,
    ConfigMap
  }

  /**
   * One reference.
   *
   * @param env the container variable it fills
   * @param field the spec field that names it (for messages)
   * @param optional the kubelet leaves the variable unset when missing; nothing is checked
   */
  public record Ref(
      String env, Source source, String name, String key, String field, boolean optional) {
    /** "Secret souq-jwt key jwks.json (spec.security.jwt.jwkSetSecretRef)". */
    public String describe() {
      return source + " " + name + " key " + key + " (" + field + ")";
    }
  }

  /** The field prefix of the references a tenant's {@code api.env} makes. */
  public static final String API_ENV_FIELD = "spec.api.env[";

  private ApiSecrets() {}

  /** The JWK set's Secret key: the spec's, or key {@code jwks.json} of {@code <tenant>-jwt}. */
  public static KaleemTenantSpec.SecretKeySelector jwkSet(String tenant, KaleemTenantSpec spec) {
    KaleemTenantSpec.Jwt jwt = spec.security.jwt;
    if (jwt.jwkSetSecretRef != null) {
      return jwt.jwkSetSecretRef;
    }
    return new KaleemTenantSpec.SecretKeySelector(
        tenant + KaleemTenantSpec.JWT_SECRET_SUFFIX, KaleemTenantSpec.JWT_SECRET_KEY);
  }

  /**
   * The references of a valid, defaulted spec (see {@code SpecValidator}, {@link
   * KaleemTenantSpec#withDefaults()}), the operator's own generated Secret excepted: the tenant's
   * database URI, JWK set, Redis and AMQP URLs, and api.env.
   */
  public static List<Ref> of(String tenant, KaleemTenantSpec spec) {
    List<Ref> refs = new ArrayList<>();
    KaleemTenantSpec.SecretKeyRef db = spec.database.secretRef;
    refs.add(
        new Ref(
            ApiEnv.MONGODB_URI, Source.Secret, db.name, db.key, "spec.database.secretRef", false));
    KaleemTenantSpec.SecretKeySelector jwks = jwkSet(tenant, spec);
    refs.add(
        new Ref(
            ApiEnv.JWT_JWKS,
            Source.Secret,
            jwks.name,
            jwks.key,
            "spec.security.jwt.jwkSetSecretRef",
            false));
    if (spec.redis != null && spec.redis.secretRef != null) {
      refs.add(
          new Ref(
              ApiEnv.REDIS_URL,
              Source.Secret,
              spec.redis.secretRef.name,
              spec.redis.secretRef.key,
              "spec.redis.secretRef",
              false));
    }
    if (spec.messaging != null && spec.messaging.amqpSecretRef != null) {
      refs.add(
          new Ref(
              ApiEnv.AMQP_ADDRESSES,
              Source.Secret,
              spec.messaging.amqpSecretRef.name,
              spec.messaging.amqpSecretRef.key,
              "spec.messaging.amqpSecretRef",
              false));
    }
    if (spec.api != null && spec.api.env != null) {
      for (KaleemTenantSpec.EnvVar e : spec.api.env) {
        if (e.valueFrom == null) {
          continue;
        }
        boolean secret = e.valueFrom.secretKeyRef != null;
        KaleemTenantSpec.KeySelector k =
            secret ? e.valueFrom.secretKeyRef : e.valueFrom.configMapKeyRef;
        refs.add(
            new Ref(
                e.name,
                secret ? Source.Secret : Source.ConfigMap,
                k.name,
                k.key,
                API_ENV_FIELD
                    + e.name
                    + "].valueFrom."
                    + (secret ? "secretKeyRef" : "configMapKeyRef"),
                Boolean.TRUE.equals(k.optional)));
      }
    }
    return refs;
  }
}
