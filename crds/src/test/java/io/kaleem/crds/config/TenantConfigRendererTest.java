package io.kaleem.crds.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class TenantConfigRendererTest {

  static KaleemTenantSpec minimal() {
    KaleemTenantSpec spec = new KaleemTenantSpec();
    spec.plan = "growth";
    spec.api.image = "ghcr.io/kaleem/api:1.0.0";
    spec.database.name = "acme";
    spec.database.secretRef.name = "acme-mongo";
    return spec;
  }

  @Test
  void rendersExactlyTheKeysTheApiBindsWithDefaults() {
    Map<String, String> p = TenantConfigRenderer.render("acme", minimal());
    assertThat(p)
        .containsExactly(
            Map.entry("kaleem.tenant.id", "acme"),
            Map.entry("kaleem.tenant.plan", "growth"),
            Map.entry("spring.mongodb.database", "acme"),
            Map.entry("kaleem.mongo.auto-index", "false"),
            Map.entry("kaleem.security.jwt.issuer", "https://api.kaleem.local"),
            Map.entry("kaleem.security.jwt.audience", "kaleem-api"),
            Map.entry("server.forward-headers-strategy", "framework"),
            Map.entry("kaleem.cache.l1.max-size", "10000"),
            Map.entry("kaleem.cache.l1.ttl", "60s"),
            Map.entry("kaleem.cache.l2.ttl", "5m"),
            Map.entry("kaleem.cache.warming.schedule", "0 */15 * * * *"),
            Map.entry("kaleem.cache.warming.targets", "plans,categories,products"),
            Map.entry("kaleem.slo.p95-latency", "500ms"),
            Map.entry("kaleem.slo.error-rate", "0.05"),
            Map.entry("kaleem.slo.cache-hit-rate", "0.70"),
            Map.entry("kaleem.slo.window", "2m"));
  }

  @Test
  void carriesSpecValuesAndNullSectionsFallBackToDefaults() {
    KaleemTenantSpec spec = minimal();
    spec.cache.l1.maxSize = 500;
    spec.cache.warming.targets = List.of(KaleemTenantSpec.WarmingTarget.products);
    spec.cache.warming.schedule = "0 0 * * * *";
    spec.monitoring = null;
    Map<String, String> p = TenantConfigRenderer.render("acme", spec);
    assertThat(p)
        .containsEntry("kaleem.cache.l1.max-size", "500")
        .containsEntry("kaleem.cache.warming.targets", "products")
        .containsEntry("kaleem.cache.warming.schedule", "0 0 * * * *")
        .containsEntry("kaleem.slo.p95-latency", "500ms");
  }

  @Test
  void tokenSettingsComeFromTheSpecAndTheActiveKidOnlyWhenGiven() {
    KaleemTenantSpec spec = minimal();
    spec.security.jwt.issuer = "https://souq.example.com";
    spec.security.jwt.audience = "souq-api";
    spec.security.jwt.activeKid = "2026-11";
    Map<String, String> p = TenantConfigRenderer.render("acme", spec);
    assertThat(p)
        .containsEntry("kaleem.security.jwt.issuer", "https://souq.example.com")
        .containsEntry("kaleem.security.jwt.audience", "souq-api")
        .containsEntry("kaleem.security.jwt.active-kid", "2026-11");
    spec.security = null;
    assertThat(TenantConfigRenderer.render("acme", spec))
        .containsEntry("kaleem.security.jwt.issuer", "https://api.kaleem.local")
        .doesNotContainKey("kaleem.security.jwt.active-kid");
  }

  @Test
  void propertiesFileRoundTripsThroughJavaProperties() throws IOException {
    Map<String, String> p = TenantConfigRenderer.render("acme", minimal());
    Properties loaded = new Properties();
    loaded.load(new StringReader(TenantConfigRenderer.toPropertiesFile(p)));
    assertThat(loaded).hasSize(p.size());
    p.forEach((k, v) -> assertThat(loaded.getProperty(k)).as(k).isEqualTo(v));
  }
}
