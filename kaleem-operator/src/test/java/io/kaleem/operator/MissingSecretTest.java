package io.kaleem.operator;

import static io.kaleem.operator.OperatorHarness.NS;
import static io.kaleem.operator.OperatorHarness.condition;
import static io.kaleem.operator.OperatorHarness.phase;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.crds.v1alpha1.KaleemTenantStatus.Phase;
import io.kaleem.operator.status.Conditions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tenant whose pods would need a Secret or key that is not there is stopped before anything is
 * written: condition {@code ConfigReady=False} naming the Secret and key, an Event, phase Failed,
 * and it proceeds on its own once the Secret appears.
 */
class MissingSecretTest {

  static OperatorHarness h;

  @BeforeAll
  static void up() throws Exception {
    h = OperatorHarness.start();
  }

  @AfterAll
  static void down() {
    h.close();
  }

  private static String message(KaleemTenant t) {
    return Conditions.find(t.getStatus().conditions, Conditions.CONFIG_READY)
        .orElseThrow()
        .getMessage();
  }

  private void nothingWritten(String name) {
    assertThat(h.deployment(name)).isNull();
    assertThat(h.configMaps(name)).isEmpty();
    assertThat(h.client.secrets().inNamespace(NS).withName(name + "-api-secrets").get()).isNull();
  }

  @Test
  void theConventionalJwtSecretIsRequiredThenItsKeyThenTheTenantProceeds() {
    h.createSecret("conv-db", Map.of("uri", h.mongoUri));
    KaleemTenantSpec spec = OperatorHarness.spec("conv");
    spec.database.secretRef.name = "conv-db";
    spec.security.jwt.jwkSetSecretRef = null; // the convention: <tenant>-jwt, key jwks.json
    h.create("conv", spec);

    KaleemTenant t = h.await("conv", condition(Conditions.CONFIG_READY, "False", "SecretNotFound"));
    assertThat(t.getStatus().phase).isEqualTo(Phase.Failed);
    assertThat(message(t))
        .isEqualTo(
            "Secret conv-jwt (spec.security.jwt.jwkSetSecretRef) not found in namespace " + NS);
    assertThat(h.hasEvent("conv", "SecretNotFound")).isTrue();
    nothingWritten("conv");

    h.createSecret("conv-jwt", Map.of("jwks", OperatorHarness.JWKS));
    t = h.await("conv", condition(Conditions.CONFIG_READY, "False", "KeyNotFound"));
    assertThat(message(t))
        .isEqualTo("Secret conv-jwt has no key 'jwks.json' (spec.security.jwt.jwkSetSecretRef)");
    assertThat(h.hasEvent("conv", "KeyNotFound")).isTrue();
    nothingWritten("conv");

    h.client
        .secrets()
        .inNamespace(NS)
        .withName("conv-jwt")
        .edit(
            s -> {
              s.setData(null);
              s.setStringData(Map.of("jwks.json", OperatorHarness.JWKS));
              return s;
            });
    h.await("conv", condition(Conditions.CONFIG_READY, "True", "Applied"));
    h.await("conv", x -> h.deployment("conv") != null);
    assertThat(env("conv"))
        .containsEntry("KALEEM_JWT_JWKS", "secret conv-jwt/jwks.json")
        .containsEntry("MONGODB_URI", "secret conv-db/uri");
  }

  @Test
  void everyMissingReferenceIsNamedAndOptionalOnesAreNotRequired() {
    h.createMongoSecret("many-mongo", h.mongoUri);
    KaleemTenantSpec spec = OperatorHarness.spec("many");
    spec.redis = new KaleemTenantSpec.Redis();
    spec.redis.secretRef = new KaleemTenantSpec.SecretKeySelector("many-redis", "url");
    spec.messaging = new KaleemTenantSpec.Messaging();
    spec.messaging.amqpSecretRef = new KaleemTenantSpec.SecretKeySelector("many-mongo", "amqp");
    spec.api.env =
        List.of(
            fromConfigMap("FEATURE_FLAGS", "many-flags", "flags", false),
            fromConfigMap("OPTIONAL_FLAGS", "absent-flags", "flags", true));
    h.create("many", spec);

    KaleemTenant t = h.await("many", condition(Conditions.CONFIG_READY, "False", "SecretNotFound"));
    assertThat(message(t))
        .contains("Secret many-redis (spec.redis.secretRef) not found in namespace " + NS)
        .contains("Secret many-mongo has no key 'amqp' (spec.messaging.amqpSecretRef)")
        .contains(
            "ConfigMap many-flags (spec.api.env[FEATURE_FLAGS].valueFrom.configMapKeyRef) not found")
        .doesNotContain("absent-flags");
    nothingWritten("many");

    h.createSecret("many-redis", Map.of("url", "redis://:pw@redis.shop:6379"));
    h.client
        .secrets()
        .inNamespace(NS)
        .withName("many-mongo")
        .edit(
            s -> {
              s.setData(null);
              s.setStringData(
                  Map.of(
                      "uri", h.mongoUri, "jwks.json", OperatorHarness.JWKS, "amqp", "amqp://mq"));
              return s;
            });
    h.client
        .configMaps()
        .inNamespace(NS)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("many-flags")
                .endMetadata()
                .withData(Map.of("flags", "x"))
                .build())
        .create();
    h.await("many", x -> h.deployment("many") != null);
    assertThat(env("many"))
        .containsEntry("REDIS_URL", "secret many-redis/url")
        .containsEntry("SPRING_RABBITMQ_ADDRESSES", "secret many-mongo/amqp")
        .containsEntry("FEATURE_FLAGS", "configMap many-flags/flags")
        .containsEntry("OPTIONAL_FLAGS", "configMap absent-flags/flags optional");
  }

  @Test
  void aJwkSetTheApiCouldNotUseIsRefusedOnTheTenant() {
    h.createSecret("badkeys-mongo", Map.of("uri", h.mongoUri, "jwks.json", "{\"keys\":[]}"));
    h.create("badkeys", OperatorHarness.spec("badkeys"));
    KaleemTenant t =
        h.await("badkeys", condition(Conditions.CONFIG_READY, "False", "InvalidJwkSet"));
    assertThat(message(t))
        .contains("Secret badkeys-mongo key jwks.json (spec.security.jwt.jwkSetSecretRef)")
        .contains("non-empty \"keys\" array");
    nothingWritten("badkeys");
  }

  @Test
  void aSpecEditNamingAMissingSecretLeavesTheRunningRevisionAlone() {
    h.createMongoSecret("calm-mongo", h.mongoUri);
    h.create("calm", OperatorHarness.spec("calm"));
    h.await("calm", x -> h.deployment("calm") != null);
    h.markAvailable("calm");
    h.await("calm", phase(Phase.Ready));
    String version = h.deployment("calm").getMetadata().getResourceVersion();

    h.editSpec(
        "calm",
        s -> {
          s.api.image = "ghcr.io/kaleem/api:2.0.0";
          s.redis = new KaleemTenantSpec.Redis();
          s.redis.secretRef = new KaleemTenantSpec.SecretKeySelector("calm-redis", "url");
        });
    KaleemTenant t = h.await("calm", condition(Conditions.CONFIG_READY, "False", "SecretNotFound"));
    assertThat(message(t)).contains("Secret calm-redis (spec.redis.secretRef)");
    assertThat(h.deployment("calm").getMetadata().getResourceVersion()).isEqualTo(version);
  }

  private static KaleemTenantSpec.EnvVar fromConfigMap(
      String name, String map, String key, boolean optional) {
    KaleemTenantSpec.EnvVar e = new KaleemTenantSpec.EnvVar();
    e.name = name;
    e.valueFrom = new KaleemTenantSpec.EnvVarSource();
    e.valueFrom.configMapKeyRef = new KaleemTenantSpec.KeySelector(map, key);
    e.valueFrom.configMapKeyRef.optional = optional;
    return e;
  }

  /** The API container's env, each reference written "secret name/key" or "configMap ...". */
  private static Map<String, String> env(String tenant) {
    List<EnvVar> env =
        h.deployment(tenant).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
    return env.stream()
        .collect(
            Collectors.toMap(
                EnvVar::getName,
                e -> {
                  if (e.getValue() != null) {
                    return e.getValue();
                  }
                  var s = e.getValueFrom().getSecretKeyRef();
                  if (s != null) {
                    return "secret " + s.getName() + "/" + s.getKey();
                  }
                  var c = e.getValueFrom().getConfigMapKeyRef();
                  return "configMap "
                      + c.getName()
                      + "/"
                      + c.getKey()
                      + (Boolean.TRUE.equals(c.getOptional()) ? " optional" : "");
                }));
  }
}
