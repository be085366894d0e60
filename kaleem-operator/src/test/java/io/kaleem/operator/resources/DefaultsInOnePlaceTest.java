package io.kaleem.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.operator.rollout.Snapshot;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Defaults live in one place ({@link KaleemTenantSpec#withDefaults()}): a minimal spec, with whole
 * sections written as null, renders to exactly the objects of the same spec with every default
 * written out, as a user copying the CRD's documented defaults would write it.
 */
class DefaultsInOnePlaceTest {

  private static final String MINIMAL =
      """
      plan: growth
      api:
        image: ghcr.io/kaleem/api:1.0.0
        replicas: null
        autoscaling: null
        resources: null
      database:
        secretRef: {name: acme-mongo, key: null}
        name: acme_db
        indexes:
          - collection: orders
            name: by_note
            keys: [{field: note, direction: null}]
            unique: null
      security: null
      cache: null
      monitoring: null
      rollout: {analysis: {provider: prom}}
      """;

  private static final String EVERY_DEFAULT =
      """
      plan: growth
      api:
        image: ghcr.io/kaleem/api:1.0.0
        replicas: 2
        autoscaling: {enabled: true, minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 70}
        resources:
          requests: {cpu: 250m, memory: 512Mi}
          limits: {cpu: "1", memory: 1Gi}
        env: []
      database:
        secretRef: {name: acme-mongo, key: uri}
        name: acme_db
        indexes:
          - collection: orders
            name: by_note
            keys: [{field: note, direction: 1}]
            unique: false
        unmanagedIndexes: Report
      security:
        jwt: {issuer: "https://api.kaleem.local", audience: kaleem-api}
      cache:
        l1: {maxSize: 10000, ttl: 60s}
        l2: {ttl: 5m}
        warming: {schedule: "0 */15 * * * *", targets: [plans, categories, products]}
      monitoring:
        slo: {p95Latency: 500ms, errorRate: "0.05", cacheHitRate: "0.70", window: 2m}
      rollout:
        strategy: RollingUpdate
        healthCheckPath: /api/health/readiness
        failureThreshold: 3
        periodSeconds: 10
        progressDeadlineSeconds: 300
        autoRollback: true
        stabilizationSeconds: 120
        analysis:
          provider: prom
          maxErrorRate: "0.05"
          maxP95Latency: 500ms
          window: 2m
          interval: 30s
          failureLimit: 2
          consecutiveErrorLimit: 4
          minSamples: 50
      deletionPolicy: Retain
      """;

  @Test
  void aMinimalSpecRendersAsTheSpecWithEveryDefaultWrittenOut() {
    KaleemTenant t = tenant();
    KaleemTenantSpec minimal = Serialization.unmarshal(MINIMAL, KaleemTenantSpec.class);
    KaleemTenantSpec full = Serialization.unmarshal(EVERY_DEFAULT, KaleemTenantSpec.class);
    assertThat(minimal.rollout.progressDeadlineSeconds)
        .as("the minimal spec really leaves fields out")
        .isNotNull();
    assertThat(minimal.cache).as("and sections as null").isNull();

    KaleemTenantSpec a = minimal.withDefaults();
    KaleemTenantSpec b = full.withDefaults();
    assertThat(Serialization.asJson(a)).isEqualTo(Serialization.asJson(b));

    Snapshot sa = Snapshot.render(t, a, Map.of());
    Snapshot sb = Snapshot.render(t, b, Map.of());
    assertThat(sa.config()).isEqualTo(sb.config());
    assertThat(sa.revision()).isEqualTo(sb.revision());
    assertThat(sa.template()).isEqualTo(sb.template());
    var ta = WorkloadResources.podTemplate(t, a, "0123456789abcdef");
    var tb = WorkloadResources.podTemplate(t, b, "0123456789abcdef");
    assertThat(WorkloadResources.deployment(t, a, ta))
        .isEqualTo(WorkloadResources.deployment(t, b, tb));
    assertThat(WorkloadResources.hpa(t, a)).isEqualTo(WorkloadResources.hpa(t, b));
    assertThat(MonitoringResources.rule(t, a)).isEqualTo(MonitoringResources.rule(t, b));
    // The API renders its properties from the raw spec: the renderer defaults it the same way.
    assertThat(ConfigResources.propertiesFile(t, minimal))
        .isEqualTo(ConfigResources.propertiesFile(t, full));
  }

  private static KaleemTenant tenant() {
    KaleemTenant t = new KaleemTenant();
    t.getMetadata().setName("acme");
    t.getMetadata().setNamespace("shop");
    t.getMetadata().setUid("u-1");
    return t;
  }
}
