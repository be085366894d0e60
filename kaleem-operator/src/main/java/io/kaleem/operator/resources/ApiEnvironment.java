package io.kaleem.operator.resources;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.EnvVarSourceBuilder;
import io.kaleem.crds.config.ApiEnv;
import io.kaleem.crds.config.TenantConfigRenderer;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.operator.Labels;
import io.kaleem.operator.secrets.ApiSecrets;
import java.util.ArrayList;
import java.util.List;

/**
 * The API container's environment: the {@code prod} profile, the rendered configuration file to
 * import, and every secret through a {@code secretKeyRef} (never a value copied out of a Secret, so
 * nothing secret is in the Deployment or the tenant). The references are {@link ApiSecrets}'s, the
 * ones checked before a rollout.
 */
public final class ApiEnvironment {

  private ApiEnvironment() {}

  public static List<EnvVar> of(KaleemTenant t, KaleemTenantSpec spec) {
    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVar(ApiEnv.PROFILES, ApiEnv.PROD_PROFILE, null));
    env.add(new EnvVar(ApiEnv.CONFIG_IMPORT, TenantConfigRenderer.SPRING_CONFIG_IMPORT, null));
    env.add(
        secretRef(ApiEnv.CURSOR_SECRET, Labels.secretName(t), ConfigResources.CURSOR_SECRET_KEY));
    for (ApiSecrets.Ref r : ApiSecrets.of(t.getMetadata().getName(), spec)) {
      if (!r.field().startsWith(ApiSecrets.API_ENV_FIELD)) {
        env.add(new EnvVar(r.env(), null, source(r.source(), r.name(), r.key(), r.optional())));
      }
    }
    // api.env last and in its own order: a later entry may refer to an earlier one, $(NAME).
    if (spec.api.env != null) {
      for (KaleemTenantSpec.EnvVar e : spec.api.env) {
        if (e.valueFrom == null) {
          env.add(new EnvVar(e.name, e.value, null));
        } else if (e.valueFrom.secretKeyRef != null) {
          KaleemTenantSpec.KeySelector k = e.valueFrom.secretKeyRef;
          env.add(
              new EnvVar(e.name, null, source(ApiSecrets.Source.Secret, k.name, k.key, opt(k))));
        } else {
          KaleemTenantSpec.KeySelector k = e.valueFrom.configMapKeyRef;
          env.add(
              new EnvVar(e.name, null, source(ApiSecrets.Source.ConfigMap, k.name, k.key, opt(k))));
        }
      }
    }
    return env;
  }

  private static EnvVarSource source(
      ApiSecrets.Source kind, String name, String key, boolean optional) {
    EnvVarSourceBuilder b = new EnvVarSourceBuilder();
    return kind == ApiSecrets.Source.Secret
        ? b.withNewSecretKeyRef(key, name, optional).build()
        : b.withNewConfigMapKeyRef(key, name, optional).build();
  }

  private static boolean opt(KaleemTenantSpec.KeySelector k) {
    return Boolean.TRUE.equals(k.optional);
  }

  private static EnvVar secretRef(String name, String secret, String key) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef(key, secret, false)
        .endValueFrom()
        .build();
  }
}
