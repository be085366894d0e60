package io.kaleem.api.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.database.MongoSettingsProperties;
import io.kaleem.api.security.SecurityProperties;
import io.kaleem.crds.config.TenantConfigRenderer;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;

/**
 * The contract with the operator: every key it renders into the tenant ConfigMap that the API owns
 * binds, with nothing left over under those prefixes. That the API imports the mounted file and
 * runs on it in the {@code prod} profile is proven end to end by {@code contract-tests}'
 * OperatorRenderedPodTest, which starts the packaged jar from the Deployment the operator renders.
 */
class OperatorRenderedConfigTest {

  static KaleemTenantSpec spec() {
    KaleemTenantSpec spec = new KaleemTenantSpec();
    spec.plan = "growth";
    spec.api.image = "ghcr.io/kaleem/api:1.0.0";
    spec.database.name = "acme_db";
    spec.database.secretRef.name = "acme-mongo";
    return spec;
  }

  /**
   * Keys the operator renders for capabilities the API does not have yet: the two-level cache
   * (L1/L2 sizes, TTLs, warming) and SLO thresholds, which today only become the operator's alert
   * rules. When the API gains them this list must shrink, or this test fails.
   */
  static final Set<String> NOT_YET_CONSUMED_PREFIXES = Set.of("kaleem.cache.", "kaleem.slo.");

  @Test
  void everyRenderedKeyTheApiOwnsBindsWithNothingLeftOver() {
    Map<String, String> rendered = TenantConfigRenderer.render("acme", spec());
    Binder binder = new Binder(new MapConfigurationPropertySource(rendered));
    var strict = new NoUnboundElementsBindHandler(BindHandler.DEFAULT);

    TenantProperties tenant =
        binder.bind("kaleem.tenant", Bindable.of(TenantProperties.class), strict).get();
    assertThat(tenant).isEqualTo(new TenantProperties("acme", "growth"));
    MongoSettingsProperties mongo =
        binder.bindOrCreate("kaleem.mongo", Bindable.of(MongoSettingsProperties.class), strict);
    assertThat(mongo.autoIndex()).isFalse();

    SecurityProperties security =
        binder.bindOrCreate("kaleem.security", Bindable.of(SecurityProperties.class), strict);
    assertThat(security.jwt().issuer()).isEqualTo(KaleemTenantSpec.DEFAULT_JWT_ISSUER);
    assertThat(security.jwt().audience()).isEqualTo(KaleemTenantSpec.DEFAULT_JWT_AUDIENCE);
    // Spring Boot's own key: rate limits key on the client the ingress forwarded for.
    assertThat(
            binder
                .bind(
                    "server.forward-headers-strategy",
                    Bindable.of(ServerProperties.ForwardHeadersStrategy.class))
                .get())
        .isEqualTo(ServerProperties.ForwardHeadersStrategy.FRAMEWORK);

    Set<String> unclaimed =
        rendered.keySet().stream()
            .filter(k -> !k.startsWith("kaleem.tenant.") && !k.startsWith("kaleem.mongo."))
            .filter(k -> !k.startsWith("kaleem.security."))
            .filter(k -> !k.equals("spring.mongodb.database"))
            .filter(k -> !k.equals("server.forward-headers-strategy"))
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(unclaimed)
        .allSatisfy(
            k ->
                assertThat(NOT_YET_CONSUMED_PREFIXES.stream().anyMatch(k::startsWith))
                    .as("rendered key %s is bound by the API or listed as not yet consumed", k)
                    .isTrue());
    assertThat(NOT_YET_CONSUMED_PREFIXES)
        .allSatisfy(p -> assertThat(unclaimed).anyMatch(k -> k.startsWith(p)));
  }
}
