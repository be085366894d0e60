package io.kaleem.operator.resources;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.kaleem.crds.config.TenantConfigRenderer;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.operator.Labels;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * The tenant configuration the API reads: a ConfigMap holding {@code application.properties} with
 * the API's own {@code kaleem.*} keys, and an operator-generated Secret for the cursor-signing key.
 */
public final class ConfigResources {

  public static final String CURSOR_SECRET_KEY = "pagination-cursor-secret";

  private static final SecureRandom RANDOM = new SecureRandom();

  private ConfigResources() {}

  public static String propertiesFile(KaleemTenant t, KaleemTenantSpec spec) {
    Map<String, String> props = TenantConfigRenderer.render(t.getMetadata().getName(), spec);
    return TenantConfigRenderer.toPropertiesFile(props);
  }

  /** A new secret with a random signing key; applied with create-if-absent, never rotated. */
  public static Secret generatedSecret(KaleemTenant t) {
    byte[] key = new byte[48];
    RANDOM.nextBytes(key);
    return new SecretBuilder()
        .withNewMetadata()
        .withName(Labels.secretName(t))
        .withLabels(Labels.common(t))
        .endMetadata()
        .withType("Opaque")
        .withData(
            Map.of(
                CURSOR_SECRET_KEY,
                Base64.getEncoder()
                    .encodeToString(
                        Base64.getUrlEncoder().withoutPadding().encodeToString(key).getBytes())))
        .build();
  }
}
