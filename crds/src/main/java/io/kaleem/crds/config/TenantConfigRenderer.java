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
    // Defaults come from the spec alone (idempotent, so a caller's defaulted spec is fine too).
    KaleemTenantSpec d = spec.withDefaults();
    KaleemTenantSpec.L1 l1 = d.cache.l1;
    KaleemTenantSpec.L2 l2 = d.cache.l2;
    KaleemTenantSpec.Warming warming = d.cache.warming;
    KaleemTenantSpec.Slo slo = d.monitoring.slo;
    KaleemTenantSpec.Jwt jwt = d.security.jwt;

    Map<String, String> p = new LinkedHashMap<>();
    p.put("kaleem.tenant.id", tenantId);
    p.put("kaleem.tenant.plan", Objects.requireNonNull(spec.plan, "spec.plan"));
    p.put(
        "spring.mongodb.database",
        Objects.requireNonNull(spec.database == null ? null : spec.database.name, "database.name"));
    p.put("kaleem.mongo.auto-index", "false");
    p.put("kaleem.security.jwt.issuer", jwt.issuer);
    p.put("kaleem.security.jwt.audience", jwt.audience);
    if (jwt.activeKid != null) {
      p.put("kaleem.security.jwt.active-kid", jwt.activeKid);
    }
    // The pods sit behind the tenant's Service and ingress (NetworkPolicies admit only those), so
    // X-Forwarded-For is the ingress's word for the client: rate limits key on the real client.
    p.put("server.forward-headers-strategy", "framework");
    p.put("kaleem.cache.l1.max-size", String.valueOf(l1.maxSize));
    p.put("kaleem.cache.l1.ttl", l1.ttl);
    p.put("kaleem.cache.l2.ttl", l2.ttl);
    p.put("kaleem.cache.warming.schedule", warming.schedule);
    p.put(
        "kaleem.cache.warming.targets",
        warming.targets.stream().map(Enum::name).distinct().collect(Collectors.joining(",")));
    p.put("kaleem.slo.p95-latency", slo.p95Latency);
    p.put("kaleem.slo.error-rate", slo.errorRate);
    p.put("kaleem.slo.cache-hit-rate", slo.cacheHitRate);
    p.put("kaleem.slo.window", slo.window);
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
}
