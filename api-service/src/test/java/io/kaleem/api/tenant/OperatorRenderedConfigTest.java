package io.kaleem.api.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.cache.CacheProperties;
import io.kaleem.api.cache.CacheWarmer;
import io.kaleem.api.cache.TwoLevelCache;
import io.kaleem.api.cache.WarmingTarget;
import io.kaleem.api.database.MongoSettingsProperties;
import io.kaleem.api.security.SecurityProperties;
import io.kaleem.api.support.StandaloneApp;
import io.kaleem.crds.config.TenantConfigRenderer;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

  @TempDir Path dir;

  static KaleemTenantSpec spec() {
    KaleemTenantSpec spec = new KaleemTenantSpec();
    spec.plan = "growth";
    spec.api.image = "ghcr.io/kaleem/api:1.0.0";
    spec.database.name = "acme_db";
    spec.database.secretRef.name = "acme-mongo";
    return spec;
  }

  /**
   * Keys the operator renders for capabilities the API does not have yet: SLO thresholds, which
   * today only become the operator's alert rules. When the API gains them this list must shrink, or
   * this test fails.
   */
  static final Set<String> NOT_YET_CONSUMED_PREFIXES = Set.of("kaleem.slo.");

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
    CacheProperties cache =
        binder.bindOrCreate("kaleem.cache", Bindable.of(CacheProperties.class), strict);
    assertThat(cache.l1().maxSize()).isEqualTo(10000);
    assertThat(cache.warming().targets()).containsExactly(WarmingTarget.values());

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
            .filter(k -> !k.startsWith("kaleem.cache."))
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

  /** The API's warming targets are the operator's, name for name. */
  @Test
  void warmingTargetsAreTheOperatorsOwn() {
    assertThat(
            java.util.Arrays.stream(KaleemTenantSpec.WarmingTarget.values())
                .map(Enum::name)
                .toList())
        .containsExactlyElementsOf(
            java.util.Arrays.stream(WarmingTarget.values()).map(Enum::name).toList());
  }

  /**
   * A tenant whose {@code spec.cache} is not the default gets a ConfigMap that changes the running
   * API's cache: L1 bound and TTL, L2 TTL in Redis, the schedule and the targets.
   */
  @Test
  void aTenantsCacheSpecChangesTheRunningCache() throws Exception {
    KaleemTenantSpec spec = spec();
    spec.cache.l1.maxSize = 123;
    spec.cache.l1.ttl = "7s";
    spec.cache.l2.ttl = "42s";
    spec.cache.warming.schedule = "0 */5 * * * *";
    spec.cache.warming.targets =
        new java.util.ArrayList<>(java.util.List.of(KaleemTenantSpec.WarmingTarget.plans));
    Path file = dir.resolve(TenantConfigRenderer.FILE_NAME);
    Files.writeString(
        file, TenantConfigRenderer.toPropertiesFile(TenantConfigRenderer.render("acme", spec)));
    try (StandaloneApp app =
        StandaloneApp.start(
            "spring.config.import=file:" + file,
            "kaleem.mongo.embedded.data-file=",
            "kaleem.security.demo-users.enabled=false",
            "kaleem.cache.key-prefix=kc-tenant:" + java.util.UUID.randomUUID(),
            "kaleem.cache.warming.at-startup=false")) {
      CacheProperties cache = app.bean(CacheProperties.class);
      assertThat(cache.l1().ttl()).isEqualTo(java.time.Duration.ofSeconds(7));
      assertThat(cache.l2().ttl()).isEqualTo(java.time.Duration.ofSeconds(42));
      assertThat(cache.warming().schedule()).isEqualTo("0 */5 * * * *");
      assertThat(cache.warming().targets()).containsExactly(WarmingTarget.plans);

      TwoLevelCache twoLevel = app.bean(TwoLevelCache.class);
      assertThat(twoLevel.l1MaximumSize()).isEqualTo(123);
      String planId =
          (String)
              app.http
                  .post()
                  .uri("/api/v1/plans")
                  .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                  .bodyValue(
                      java.util.Map.of(
                          "code",
                          "tenant-plan",
                          "name",
                          java.util.Map.of("en", "Tenant plan"),
                          "price",
                          10,
                          "currency",
                          "SAR",
                          "interval",
                          "MONTHLY",
                          "limits",
                          java.util.Map.of("products", 10, "staff", 2, "requestsPerMinute", 100)))
                  .exchange()
                  .expectStatus()
                  .isCreated()
                  .expectBody(java.util.Map.class)
                  .returnResult()
                  .getResponseBody()
                  .get("id");
      app.http.get().uri("/api/v1/plans/" + planId).exchange().expectStatus().isOk();
      String key = "plan:" + planId;
      // Caffeine sets an async entry's expiry when its future completes, just after the answer.
      java.time.Duration ttl = twoLevel.l1TimeToLive(key).orElseThrow();
      for (int i = 0; i < 100 && ttl.compareTo(java.time.Duration.ofSeconds(7)) > 0; i++) {
        Thread.sleep(50);
        ttl = twoLevel.l1TimeToLive(key).orElseThrow();
      }
      assertThat(ttl).isLessThanOrEqualTo(java.time.Duration.ofSeconds(7));
      long pttl = waitForL2Ttl(twoLevel.redisKey(key));
      assertThat(pttl).isBetween(1L, 42_000L);
      assertThat(app.bean(CacheWarmer.class).runNow().block().keys()).isPositive();
    }
  }

  /** The value's TTL in Redis once the asynchronous fill has landed. */
  static long waitForL2Ttl(String key) throws InterruptedException {
    io.lettuce.core.RedisClient c = io.lettuce.core.RedisClient.create("redis://127.0.0.1:6379");
    try (var conn = c.connect()) {
      for (int i = 0; i < 200; i++) {
        long pttl = conn.sync().pttl(key);
        if (pttl > 0) {
          return pttl;
        }
        Thread.sleep(50);
      }
      throw new AssertionError("no value stored under " + key);
    } finally {
      c.shutdown();
    }
  }
}
