package io.kaleem.operator;

import static io.kaleem.operator.OperatorHarness.condition;
import static io.kaleem.operator.OperatorHarness.phase;
import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.crds.v1alpha1.KaleemTenantStatus.Phase;
import io.kaleem.operator.status.Conditions;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Specs the API server would let through (the mock server does not validate schemas, like a cluster
 * without CEL) are refused whole by the operator, with a condition and an Event.
 */
class InvalidSpecTest {

  static OperatorHarness h;

  @BeforeAll
  static void up() throws Exception {
    h = OperatorHarness.start();
  }

  @AfterAll
  static void down() {
    h.close();
  }

  private KaleemTenant refused(String name, Consumer<KaleemTenantSpec> breakIt) {
    h.createMongoSecret(name + "-mongo", h.mongoUri);
    KaleemTenantSpec spec = OperatorHarness.spec(name);
    breakIt.accept(spec);
    h.create(name, spec);
    KaleemTenant t = h.await(name, condition(Conditions.SPEC_VALID, "False", "InvalidSpec"));
    assertThat(t.getStatus().phase).isEqualTo(Phase.Failed);
    assertThat(h.hasEvent(name, "InvalidSpec")).isTrue();
    assertThat(h.configMaps(name)).isEmpty();
    assertThat(h.deployment(name)).isNull();
    return t;
  }

  private static String message(KaleemTenant t, String type) {
    return Conditions.find(t.getStatus().conditions, type).orElseThrow().getMessage();
  }

  @Test
  void badCronIsRefused() {
    KaleemTenant t = refused("cron", s -> s.cache.warming.schedule = "0 */15 * * *");
    assertThat(message(t, Conditions.SPEC_VALID))
        .contains("spec.cache.warming.schedule")
        .contains("Spring needs 6");
  }

  @Test
  void outOfRangeCronFieldIsRefused() {
    KaleemTenant t = refused("cron2", s -> s.cache.warming.schedule = "0 61 * * * *");
    assertThat(message(t, Conditions.SPEC_VALID)).contains("minute");
  }

  @Test
  void badImageIsRefused() {
    KaleemTenant t = refused("img", s -> s.api.image = "ghcr.io/Kaleem/API:::latest");
    assertThat(message(t, Conditions.SPEC_VALID)).contains("spec.api.image");
  }

  @Test
  void minAboveMaxReplicasIsRefused() {
    KaleemTenant t =
        refused(
            "hpa",
            s -> {
              s.api.autoscaling.minReplicas = 5;
              s.api.autoscaling.maxReplicas = 3;
            });
    assertThat(message(t, Conditions.SPEC_VALID))
        .contains("minReplicas (5) exceeds maxReplicas (3)");
  }

  @Test
  void envThatTheOperatorOwnsOrThatIsAmbiguousIsRefused() {
    KaleemTenant t =
        refused(
            "env",
            s -> {
              KaleemTenantSpec.EnvVar both = new KaleemTenantSpec.EnvVar("FLAGS", "x");
              both.valueFrom = new KaleemTenantSpec.EnvVarSource();
              both.valueFrom.secretKeyRef = new KaleemTenantSpec.KeySelector("flags", "v");
              s.api.env =
                  List.of(
                      new KaleemTenantSpec.EnvVar("REDIS_URL", "redis://10.0.0.1"),
                      new KaleemTenantSpec.EnvVar("SPRING_PROFILES_ACTIVE", "default"),
                      both);
            });
    assertThat(message(t, Conditions.SPEC_VALID))
        .contains("spec.api.env must not set REDIS_URL (the operator sets it)")
        .contains("must not set SPRING_PROFILES_ACTIVE")
        .contains("spec.api.env[FLAGS] needs exactly one of value and valueFrom");
  }

  @Test
  void badSecretReferencesAreRefused() {
    KaleemTenant t =
        refused(
            "refs",
            s -> {
              s.security.jwt.jwkSetSecretRef =
                  new KaleemTenantSpec.SecretKeySelector("Bad_Name", "jwks.json");
              s.redis = new KaleemTenantSpec.Redis();
              s.security.jwt.issuer = "has spaces";
            });
    assertThat(message(t, Conditions.SPEC_VALID))
        .contains("spec.security.jwt.jwkSetSecretRef.name 'Bad_Name'")
        .contains("spec.redis.secretRef is required")
        .contains("spec.security.jwt.issuer must be 1-255 characters without spaces");
  }

  @Test
  void missingSecretFailsBeforeAnythingIsWrittenAndRecoversWhenItAppears() {
    h.create("nosecret", OperatorHarness.spec("nosecret"));
    KaleemTenant t =
        h.await("nosecret", condition(Conditions.DATABASE_READY, "False", "SecretNotFound"));
    assertThat(t.getStatus().phase).isEqualTo(Phase.Failed);
    assertThat(message(t, Conditions.DATABASE_READY)).contains("nosecret-mongo");
    assertThat(h.hasEvent("nosecret", "SecretNotFound")).isTrue();
    assertThat(h.deployment("nosecret")).isNull();
    assertThat(h.configMaps("nosecret")).isEmpty();

    h.createMongoSecret("nosecret-mongo", h.mongoUri);
    h.await("nosecret", condition(Conditions.DATABASE_READY, "True", "Connected"));
    assertThat(h.deployment("nosecret")).isNotNull();
  }

  @Test
  void invalidEditOfAHealthyTenantChangesNothingAlreadyDeployed() {
    h.createMongoSecret("steady-mongo", h.mongoUri);
    h.create("steady", OperatorHarness.spec("steady"));
    h.await("steady", t -> h.deployment("steady") != null);
    h.markAvailable("steady");
    h.await("steady", phase(Phase.Ready));
    String deployVersion = h.deployment("steady").getMetadata().getResourceVersion();
    String cmVersion =
        h.configName("steady") + "@" + h.config("steady").getMetadata().getResourceVersion();

    h.editSpec(
        "steady",
        s -> {
          s.api.image = "ghcr.io/kaleem/api:3.0.0";
          s.cache.warming.schedule = "every 5 minutes";
        });
    h.await("steady", condition(Conditions.SPEC_VALID, "False", "InvalidSpec"));
    assertThat(h.deployment("steady").getMetadata().getResourceVersion()).isEqualTo(deployVersion);
    assertThat(h.configName("steady") + "@" + h.config("steady").getMetadata().getResourceVersion())
        .isEqualTo(cmVersion);
  }
}
