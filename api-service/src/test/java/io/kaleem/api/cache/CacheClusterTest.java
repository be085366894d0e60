package io.kaleem.api.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.nimbusds.jose.jwk.JWKSet;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.kaleem.api.KaleemApiApplication;
import io.kaleem.api.ratelimit.RateLimiter;
import io.kaleem.api.redis.RedisGuard;
import io.kaleem.api.security.JwtKeys;
import io.kaleem.api.support.DedicatedRedis;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.StandaloneApp;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Whole application instances side by side, sharing one MongoDB-wire server (started here) and
 * Redis: the real Redis on 6379 under a key prefix of each test's own, or a dedicated {@code
 * redis-server} on a spare port for the test that kills it.
 */
class CacheClusterTest {

  static final String JWKS = new JWKSet(JwtKeys.generate("cache-cluster")).toString(false);
  static final List<AutoCloseable> OPEN = new ArrayList<>();
  static MongoServer mongo;
  static String mongoUri;

  @BeforeAll
  static void sharedDatabaseAndRedis() {
    try (Socket s = new Socket("127.0.0.1", 6379)) {
      assertThat(s.isConnected()).isTrue();
    } catch (IOException e) {
      fail("Redis is not running on 127.0.0.1:6379: start it with `make services-up`", e);
    }
    mongo = new MongoServer(new MemoryBackend());
    InetSocketAddress a = mongo.bind();
    mongoUri = "mongodb://127.0.0.1:" + a.getPort();
  }

  @AfterAll
  static void stopAll() throws Exception {
    for (int i = OPEN.size() - 1; i >= 0; i--) {
      OPEN.get(i).close();
    }
    mongo.shutdownNow();
  }

  static String[] props(String redisUrl, String prefix, String database, String... more) {
    List<String> p =
        new ArrayList<>(
            List.of(
                "spring.mongodb.uri=" + mongoUri,
                "spring.mongodb.database=" + database,
                "spring.data.redis.url=" + redisUrl,
                "kaleem.security.jwt.dev-key-file=",
                "kaleem.security.jwt.jwk-set=" + JWKS,
                "kaleem.security.demo-users.enabled=false",
                "kaleem.security.rate-limit.key-prefix=rl-" + prefix,
                "kaleem.security.rate-limit.plans.platform=100000000",
                "kaleem.cache.key-prefix=" + prefix,
                "kaleem.cache.warming.at-startup=false"));
    p.addAll(List.of(more));
    return p.toArray(String[]::new);
  }

  static StandaloneApp start(String... properties) {
    StandaloneApp app = StandaloneApp.start(properties);
    OPEN.add(app);
    return app;
  }

  static void await(String what, Duration limit, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting until " + what);
      }
      Thread.sleep(50);
    }
  }

  static Fixtures fixtures(StandaloneApp app) {
    return new Fixtures(app.http, null);
  }

  @SuppressWarnings("unchecked")
  static Object price(StandaloneApp app, String path) {
    return app.http
        .get()
        .uri(path)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody()
        .get("price");
  }

  static void patchPrice(StandaloneApp app, String path, double price) {
    app.http
        .patch()
        .uri(path)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("price", price))
        .exchange()
        .expectStatus()
        .isOk();
  }

  @Test
  void aWriteOnOneReplicaReachesTheOtherAndALostSubscriptionClearsL1() throws Exception {
    String prefix = "kc-cluster:" + UUID.randomUUID();
    String db = "cache-" + UUID.randomUUID();
    StandaloneApp a = start(props("redis://127.0.0.1:6379", prefix, db));
    StandaloneApp b = start(props("redis://127.0.0.1:6379", prefix, db));
    TwoLevelCache cacheB = b.bean(TwoLevelCache.class);
    await(
        "both replicas listen",
        Duration.ofSeconds(20),
        () ->
            a.bean(TwoLevelCache.class).stats().l2().subscribed()
                && cacheB.stats().l2().subscribed());

    String m = fixtures(a).merchant();
    String p = (String) fixtures(a).product(m, "CL-1", "10.00", 3).get("id");
    String path = "/api/v1/merchants/" + m + "/products/" + p;
    String key = "product:" + m + ":" + p;
    assertThat(price(b, path)).isEqualTo(10.0);
    assertThat(cacheB.inL1(key)).isTrue();

    patchPrice(a, path, 11.0);
    // Once B has the invalidation it never serves the old price again.
    await("B drops the changed product", Duration.ofSeconds(10), () -> !cacheB.inL1(key));
    for (int i = 0; i < 20; i++) {
      assertThat(price(b, path)).isEqualTo(11.0);
    }

    // Cut B's subscription connection: it reconnects, resubscribes and clears its L1.
    assertThat(cacheB.inL1(key)).isTrue();
    long before = cacheB.stats().l2().subscriptions();
    String name = cacheB.subscriptionClientName().orElseThrow();
    RedisClient admin = RedisClient.create("redis://127.0.0.1:6379");
    try (StatefulRedisConnection<String, String> c = admin.connect()) {
      String id =
          c.sync()
              .clientList()
              .lines()
              .filter(l -> l.contains(" name=" + name + " "))
              .map(l -> l.split(" ")[0].substring("id=".length()))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no Redis client named " + name));
      c.sync().clientKill(io.lettuce.core.KillArgs.Builder.id(Long.parseLong(id)));
    } finally {
      admin.shutdown();
    }
    await(
        "B resubscribed",
        Duration.ofSeconds(30),
        () -> cacheB.stats().l2().subscribed() && cacheB.stats().l2().subscriptions() > before);
    assertThat(cacheB.inL1(key)).isFalse();
    assertThat(price(b, path)).isEqualTo(11.0);
  }

  @Test
  void redisKilledMidRunCostsNoRequestAndComesBack() throws Exception {
    DedicatedRedis redis = new DedicatedRedis();
    OPEN.add(redis);
    redis.start();
    String db = "cache-kill-" + UUID.randomUUID();
    StandaloneApp app = start(props(redis.url(), "kc-kill:" + UUID.randomUUID(), db));
    TwoLevelCache cache = app.bean(TwoLevelCache.class);
    await("the instance listens", Duration.ofSeconds(20), () -> cache.stats().l2().subscribed());
    String m = fixtures(app).merchant();
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      paths.add(
          "/api/v1/merchants/"
              + m
              + "/products/"
              + fixtures(app).product(m, "K-" + i, "5.00", 9).get("id"));
    }
    paths.add("/api/v1/merchants/" + m + "/products");

    WebTestClient http = app.http;
    AtomicInteger done = new AtomicInteger();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    int total = 3000;
    var run =
        Flux.range(0, total)
            .flatMap(
                i ->
                    Mono.fromCallable(
                            () -> {
                              var r =
                                  http.get()
                                      .uri(paths.get(i % paths.size()))
                                      .exchange()
                                      .returnResult(String.class);
                              int status = r.getStatus().value();
                              r.getResponseBody().blockLast();
                              if (status != 200) {
                                failures.add(i + ": " + status);
                              }
                              done.incrementAndGet();
                              return status;
                            })
                        .subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic()),
                8)
            .then()
            .toFuture();

    await("300 requests", Duration.ofMinutes(2), () -> done.get() >= 300);
    redis.stop();
    int killedAt = done.get();
    await("500 requests without Redis", Duration.ofMinutes(2), () -> done.get() >= killedAt + 500);
    // Writes go on too; the outage is visible on the aggregate health, not on readiness.
    patchPrice(app, paths.get(0), 6.0);
    assertThat(price(app, paths.get(0))).isEqualTo(6.0);
    http.get().uri("/api/health").exchange().expectStatus().isEqualTo(503);
    http.get().uri("/api/health/readiness").exchange().expectStatus().isOk();
    assertThat(cache.stats().l2().subscribed()).isFalse();
    // One decision for every user of Redis: the cache's failed L2 reads (misses of ids nobody
    // read before) open the one circuit, which takes the rate limiter off Redis too.
    for (int i = 0; i < 6; i++) {
      http.get()
          .uri("/api/v1/merchants/" + m + "/products/" + new org.bson.types.ObjectId())
          .exchange()
          .expectStatus()
          .isNotFound();
    }
    await(
        "the one Redis circuit is open",
        Duration.ofSeconds(30),
        () -> !app.bean(RedisGuard.class).available());
    assertThat(app.bean(RateLimiter.class).isShared()).isFalse();

    redis.start();
    await(
        "the health is UP again",
        Duration.ofSeconds(60),
        () ->
            http.get().uri("/api/health").exchange().returnResult(String.class).getStatus().value()
                == 200);
    await(
        "the subscription is back", Duration.ofSeconds(60), () -> cache.stats().l2().subscribed());
    run.get(3, java.util.concurrent.TimeUnit.MINUTES);
    assertThat(failures).isEmpty();
    await(
        "rate limits are shared again",
        Duration.ofSeconds(60),
        () -> app.bean(RateLimiter.class).isShared());
    assertThat(done.get()).isEqualTo(total);

    // L2 is used again: a fresh read is stored in this Redis.
    String p1 = paths.get(1);
    awaitFilledInL2(app, redis, p1, "product:" + m + ":" + p1.substring(p1.lastIndexOf('/') + 1));
    // The price written during the outage is what every level serves now.
    assertThat(price(app, paths.get(0))).isEqualTo(6.0);
  }

  /**
   * Redis absent at start-up: the shared connection is made later on a bounded-elastic thread,
   * never by a request's lazy connect on an event loop (BlockHound, active in every test, would
   * fail the request that did), and then the cache uses Redis.
   */
  @Test
  void redisAbsentAtStartUpIsConnectedLaterOffTheRequestThreads() throws Exception {
    DedicatedRedis redis = new DedicatedRedis();
    OPEN.add(redis);
    StandaloneApp app =
        start(
            props(redis.url(), "kc-late:" + UUID.randomUUID(), "cache-late-" + UUID.randomUUID()));
    RedisGuard guard = app.bean(RedisGuard.class);
    assertThat(guard.available()).isFalse();
    String m = fixtures(app).merchant();
    String id = (String) fixtures(app).product(m, "L-1", "5.00", 9).get("id");
    String path = "/api/v1/merchants/" + m + "/products/" + id;
    assertThat(price(app, path)).isEqualTo(5.0);
    patchPrice(app, path, 7.0);
    assertThat(price(app, path)).isEqualTo(7.0);

    redis.start();
    await(
        "the shared connection is made and calls go to Redis",
        Duration.ofSeconds(60),
        () -> guard.state().equals("CLOSED"));
    patchPrice(app, path, 8.0);
    assertThat(price(app, path)).isEqualTo(8.0);
    awaitFilledInL2(app, redis, path, "product:" + m + ":" + id);
  }

  /** Until a read of {@code path} (its key evicted, the write guard passed) lands in L2. */
  static void awaitFilledInL2(StandaloneApp app, DedicatedRedis redis, String path, String key)
      throws InterruptedException {
    TwoLevelCache cache = app.bean(TwoLevelCache.class);
    await(
        "the circuit is closed and a read fills L2",
        Duration.ofSeconds(60),
        () -> {
          app.http.delete().uri("/admin/cache/keys/" + key).exchange();
          try {
            Thread.sleep(cache.properties().writeGuard().toMillis() + 100);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          price(app, path);
          return redis.exists(cache.redisKey(key));
        });
  }

  @Test
  void twoReplicasWarmOncePerTick() throws Exception {
    String prefix = "kc-warm:" + UUID.randomUUID();
    String db = "cache-warm-" + UUID.randomUUID();
    String every2s = "kaleem.cache.warming.schedule=*/2 * * * * *";
    StandaloneApp a = start(props("redis://127.0.0.1:6379", prefix, db, every2s));
    StandaloneApp b = start(props("redis://127.0.0.1:6379", prefix, db, every2s));
    fixtures(a).merchant();
    CacheWarmer wa = a.bean(CacheWarmer.class);
    CacheWarmer wb = b.bean(CacheWarmer.class);
    await(
        "three ticks seen by both replicas",
        Duration.ofSeconds(60),
        () -> ticksSeenByBoth(wa, wb).size() >= 3);
    // Each tick's lease goes to one replica at most; the other skips. (A replica that cannot
    // reach Redis at all warms its own L1: such runs are not shared and not counted here.) The
    // guarantee is at most one run per tick: a lease answer that comes late counts as taken, so on
    // a saturated machine a tick may pass with two skips, but never with two runs.
    var ticks = ticksSeenByBoth(wa, wb);
    for (var tick : ticks.entrySet()) {
      assertThat(tick.getValue())
          .as("shared results of tick %s", tick.getKey())
          .contains("skipped")
          .filteredOn("completed"::equals)
          .hasSizeLessThanOrEqualTo(1);
    }
    assertThat(ticks.values())
        .as("some tick was warmed by exactly one replica")
        .anySatisfy(r -> assertThat(r).containsOnlyOnce("completed"));
  }

  static Map<java.time.Instant, List<String>> ticksSeenByBoth(CacheWarmer a, CacheWarmer b) {
    List<WarmingRun> all = new ArrayList<>(a.history());
    all.addAll(b.history());
    return all.stream()
        .filter(r -> r.tick() != null && r.shared())
        .collect(
            Collectors.groupingBy(
                WarmingRun::tick, Collectors.mapping(WarmingRun::result, Collectors.toList())))
        .entrySet()
        .stream()
        .filter(e -> e.getValue().size() >= 2)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  /** A warmup whose loads take long: the run must stop at its bound, not at its end. */
  @Configuration(proxyBeanMethods = false)
  static class SlowWarmup {
    static final AtomicInteger STARTED = new AtomicInteger();

    @Bean
    CacheWarmup slowPlans() {
      return new CacheWarmup() {
        @Override
        public WarmingTarget target() {
          return WarmingTarget.plans;
        }

        @Override
        public Flux<Mono<?>> loads(Scope scope) {
          return Flux.range(0, 1000)
              .map(
                  i ->
                      Mono.delay(Duration.ofMillis(200))
                          .doOnSubscribe(s -> STARTED.incrementAndGet()));
        }
      };
    }
  }

  @Test
  void aSlowWarmingIsCutAtItsBound() {
    var ctx =
        new SpringApplicationBuilder(KaleemApiApplication.class, SlowWarmup.class)
            .run(
                java.util.Arrays.stream(
                        props(
                            "redis://127.0.0.1:6379",
                            "kc-slow:" + UUID.randomUUID(),
                            "cache-slow-" + UUID.randomUUID(),
                            "kaleem.cache.warming.max-duration=1s",
                            "kaleem.cache.warming.concurrency=2",
                            "server.port=0"))
                    .map(s -> "--" + s)
                    .toArray(String[]::new));
    OPEN.add(ctx);
    WarmingRun run = ctx.getBean(CacheWarmer.class).runNow().block(Duration.ofSeconds(30));
    assertThat(run.result()).isEqualTo("cut");
    assertThat(run.keys()).isLessThan(1000);
    // Never more than the configured concurrency in flight: at most 2 loads started per 200 ms.
    assertThat(SlowWarmup.STARTED.get()).isLessThan(1000);
  }

  @Test
  void aValueLargerThanTheCapIsServedButNotCached() throws Exception {
    String db = "cache-big-" + UUID.randomUUID();
    StandaloneApp app =
        start(
            props(
                "redis://127.0.0.1:6379",
                "kc-big:" + UUID.randomUUID(),
                db,
                "kaleem.cache.max-value-size=64B"));
    String m = fixtures(app).merchant();
    String p = (String) fixtures(app).product(m, "BIG-1", "1.00", 1).get("id");
    assertThat(price(app, "/api/v1/merchants/" + m + "/products/" + p)).isEqualTo(1.0);
    TwoLevelCache cache = app.bean(TwoLevelCache.class);
    String key = "product:" + m + ":" + p;
    assertThat(cache.inL1(key)).isFalse();
    RedisClient admin = RedisClient.create("redis://127.0.0.1:6379");
    try (StatefulRedisConnection<String, String> c = admin.connect()) {
      assertThat(c.sync().exists(cache.redisKey(key))).isZero();
    } finally {
      admin.shutdown();
    }
  }
}
