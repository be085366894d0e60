package io.kaleem.crds.config;

import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Renders a tenant spec into the Spring Boot properties the API binds. Pure and deterministic: the
 * same spec always yields the same ordered map (the operator hashes it to roll pods on change), and
 * the API's tests can prove it binds exactly these keys.
 */
public final class TenantConfigRenderer {

  /** The ConfigMap key holding the rendered file; the API imports it via spring.config.import. */
  public static final String FILE_NAME = "application.properties";

  /** Where the operator mounts the ConfigMap in the API pod. */
  public static final String MOUNT_DIR = "/etc/kaleem";

  public static final String SPRING_CONFIG_IMPORT = "optional:file:" + MOUNT_DIR + "/" + FILE_NAME;

  private TenantConfigRenderer() {}

  /**
   * The properties for a tenant, in a stable order.
   *
   * @param tenantId the tenant's {@code metadata.name}
   */
  public static Map<String, String> render(String tenantId, KaleemTenantSpec spec) {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(spec, "spec");
    KaleemTenantSpec.Cache cache = orDefault(spec.cache, new KaleemTenantSpec.Cache());
    KaleemTenantSpec.L1 l1 = orDefault(cache.l1, new KaleemTenantSpec.L1());
    KaleemTenantSpec.L2 l2 = orDefault(cache.l2, new KaleemTenantSpec.L2());
    KaleemTenantSpec.Warming warming = orDefault(cache.warming, new KaleemTenantSpec.Warming());
    KaleemTenantSpec.Monitoring monitoring =
        orDefault(spec.monitoring, new KaleemTenantSpec.Monitoring());
    KaleemTenantSpec.Slo slo = orDefault(monitoring.slo, new KaleemTenantSpec.Slo());
    KaleemTenantSpec.Slo sloDefaults = new KaleemTenantSpec.Slo();
    KaleemTenantSpec.Warming warmingDefaults = new KaleemTenantSpec.Warming();

    Map<String, String> p = new LinkedHashMap<>();
    p.put("kaleem.tenant.id", tenantId);
    p.put("kaleem.tenant.plan", Objects.requireNonNull(spec.plan, "spec.plan"));
    p.put(
        "spring.mongodb.database",
        Objects.requireNonNull(spec.database == null ? null : spec.database.name, "database.name"));
    p.put("kaleem.mongo.auto-index", "false");
    KaleemTenantSpec.Security security = orDefault(spec.security, new KaleemTenantSpec.Security());
    KaleemTenantSpec.Jwt jwt = orDefault(security.jwt, new KaleemTenantSpec.Jwt());
    p.put("kaleem.security.jwt.issuer", orDefault(jwt.issuer, KaleemTenantSpec.DEFAULT_JWT_ISSUER));
    p.put(
        "kaleem.security.jwt.audience",
        orDefault(jwt.audience, KaleemTenantSpec.DEFAULT_JWT_AUDIENCE));
    if (jwt.activeKid != null) {
      p.put("kaleem.security.jwt.active-kid", jwt.activeKid);
    }
    // The pods sit behind the tenant's Service and ingress (NetworkPolicies admit only those), so
    // X-Forwarded-For is the ingress's word for the client: rate limits key on the real client.
    p.put("server.forward-headers-strategy", "framework");
    p.put("kaleem.cache.l1.max-size", String.valueOf(orDefault(l1.maxSize, 10000)));
    p.put("kaleem.cache.l1.ttl", orDefault(l1.ttl, "60s"));
    p.put("kaleem.cache.l2.ttl", orDefault(l2.ttl, "5m"));
    p.put("kaleem.cache.warming.schedule", orDefault(warming.schedule, warmingDefaults.schedule));
    p.put(
        "kaleem.cache.warming.targets",
        orDefault(warming.targets, warmingDefaults.targets).stream()
            .map(Enum::name)
            .distinct()
            .collect(Collectors.joining(",")));
    p.put("kaleem.slo.p95-latency", orDefault(slo.p95Latency, sloDefaults.p95Latency));
    p.put("kaleem.slo.error-rate", orDefault(slo.errorRate, sloDefaults.errorRate));
    p.put("kaleem.slo.cache-hit-rate", orDefault(slo.cacheHitRate, sloDefaults.cacheHitRate));
    p.put("kaleem.slo.window", orDefault(slo.window, sloDefaults.window));
    return p;
  }

  /** The properties as an {@code application.properties} file (ISO 8859-1 safe escapes). */
  public static String toPropertiesFile(Map<String, String> properties) {
    StringBuilder out = new StringBuilder("# Rendered by kaleem-operator; do not edit.\n");
    properties.forEach(
        (k, v) -> out.append(escape(k, true)).append('=').append(escape(v, false)).append('\n'));
    return out.toString();
  }

  private static String escape(String s, boolean key) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '=', ':', '#', '!' -> b.append('\\').append(c);
        case ' ' -> b.append(key || i == 0 ? "\\ " : " ");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  private static <T> T orDefault(T value, T fallback) {
    return value == null ? fallback : value;
  }
}
