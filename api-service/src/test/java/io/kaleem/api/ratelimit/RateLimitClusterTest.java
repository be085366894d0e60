package io.kaleem.api.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.nimbusds.jose.jwk.JWKSet;
import io.kaleem.api.KaleemApiApplication;
import io.kaleem.api.redis.RedisGuard;
import io.kaleem.api.security.AccessTokenIssuer;
import io.kaleem.api.security.AuthenticatedUser;
import io.kaleem.api.security.JwtKeys;
import io.kaleem.api.security.Role;
import io.kaleem.api.support.DedicatedRedis;
import io.lettuce.core.RedisClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Whole application instances started side by side: two replicas on the real Redis share one
 * budget; an instance whose Redis (a dedicated {@code redis-server} started here) goes away keeps
 * serving from its own buckets, decided by the API's one Redis circuit ({@link RedisGuard}), and
 * shares buckets again when Redis returns.
 */
class RateLimitClusterTest {

  static final String JWKS = new JWKSet(JwtKeys.generate("cluster-key")).toString(false);
  static final HttpClient CLIENT = HttpClient.newHttpClient();
  static final List<ConfigurableApplicationContext> APPS = new ArrayList<>();

  @BeforeAll
  static void redisMustBeRunning() {
    try (Socket s = new Socket("127.0.0.1", 6379)) {
      assertThat(s.isConnected()).isTrue();
    } catch (IOException e) {
      fail("Redis is not running on 127.0.0.1:6379: start it with `make services-up`", e);
    }
  }

  @AfterAll
  static void stopApps() {
    APPS.forEach(ConfigurableApplicationContext::close);
  }

  static ConfigurableApplicationContext start(String redisUrl, String prefix, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--kaleem.mongo.embedded.data-file=",
                "--kaleem.mongo.embedded.demo-data=false",
                "--spring.mongodb.database=rl-" + UUID.randomUUID(),
                "--kaleem.security.jwt.dev-key-file=",
                "--kaleem.security.jwt.jwk-set=" + JWKS,
                "--kaleem.security.demo-users.enabled=false",
                "--spring.data.redis.url=" + redisUrl,
                "--kaleem.security.rate-limit.key-prefix=" + prefix,
                "--kaleem.security.rate-limit.plans.tiny=6",
                "--kaleem.security.rate-limit.plans.mid=100"));
    args.addAll(List.of(more));
    ConfigurableApplicationContext app =
        new SpringApplicationBuilder(KaleemApiApplication.class).run(args.toArray(String[]::new));
    APPS.add(app);
    return app;
  }

  static int port(ConfigurableApplicationContext app) {
    return ((WebServerApplicationContext) app).getWebServer().getPort();
  }

  static String tinyPlanToken(ConfigurableApplicationContext app) {
    return planToken(app, "tiny");
  }

  static String planToken(ConfigurableApplicationContext app, String plan) {
    return app.getBean(AccessTokenIssuer.class)
        .issue(
            new AuthenticatedUser(
                new ObjectId().toHexString(),
                Role.MERCHANT_OWNER,
                new ObjectId().toHexString(),
                plan));
  }

  static HttpResponse<String> get(ConfigurableApplicationContext app, String token)
      throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(app) + "/api/v1/plans"))
            .header("Authorization", "Bearer " + token)
            .timeout(java.time.Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void twoReplicasShareOneBudgetThroughRedis() throws Exception {
    String prefix = "rl-cluster:" + UUID.randomUUID();
    var a = start("redis://127.0.0.1:6379", prefix);
    var b = start("redis://127.0.0.1:6379", prefix);
    assertThat(a.getBean(RateLimiter.class).isShared()).isTrue();
    assertThat(b.getBean(RateLimiter.class).isShared()).isTrue();
    String token = tinyPlanToken(a);

    List<String> remaining = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> r = get(i % 2 == 0 ? a : b, token);
      assertThat(r.statusCode()).isNotEqualTo(429);
      assertThat(r.headers().firstValue("RateLimit-Policy")).hasValue("\"tiny\";q=6;w=60");
      remaining.add(r.headers().firstValue("RateLimit").orElseThrow().split(";")[1]);
    }
    assertThat(remaining).containsExactly("r=5", "r=4", "r=3", "r=2", "r=1", "r=0");

    for (var app : List.of(a, b)) {
      HttpResponse<String> over = get(app, token);
      assertThat(over.statusCode()).isEqualTo(429);
      assertThat(over.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(Long.parseLong(over.headers().firstValue("Retry-After").orElseThrow()))
          .isBetween(1L, 60L);
      assertThat(over.body()).contains("https://kaleem.io/problems/rate-limited");
    }
    // Another user has a budget of their own.
    assertThat(get(b, tinyPlanToken(b)).statusCode()).isNotEqualTo(429);
  }

  @Test
  void leasesNeverExceedTheSharedBudget() throws Exception {
    String prefix = "rl-cluster:" + UUID.randomUUID();
    // 5% of 100: each replica takes 5 tokens from Redis at once.
    String share = "--kaleem.security.rate-limit.lease-share=0.05";
    var a = start("redis://127.0.0.1:6379", prefix, share);
    var b = start("redis://127.0.0.1:6379", prefix, share);
    String token = planToken(a, "mid");

    List<Integer> statuses = new ArrayList<>();
    List<String> remaining = new ArrayList<>();
    for (int i = 0; i < 140; i++) {
      HttpResponse<String> r = get(i % 2 == 0 ? a : b, token);
      statuses.add(r.statusCode());
      remaining.add(r.headers().firstValue("RateLimit").orElseThrow());
    }
    // One budget for both replicas, never exceeded. A replica's unspent lease could strand at most
    // 4 tokens; with the calls alternating, each spends its lease before the next, so none is lost.
    assertThat(statuses.stream().filter(s -> s == 200).count()).isBetween(92L, 100L);
    assertThat(statuses.subList(0, 92)).containsOnly(200);
    assertThat(statuses.subList(100, 140)).containsOnly(429);
    assertThat(remaining.get(0)).startsWith("\"mid\";r=99;");
    // Redis holds the shared bucket.
    RedisClient client = RedisClient.create("redis://127.0.0.1:6379");
    try (var conn = client.connect()) {
      assertThat(conn.sync().keys(prefix + "*")).hasSize(1);
    } finally {
      client.shutdown();
    }
  }

  @Test
  void anInstanceKeepsServingFromLocalBucketsWhenItsRedisStops() throws Exception {
    try (DedicatedRedis redis = new DedicatedRedis()) {
      redis.start();
      String prefix = "rl-outage:" + UUID.randomUUID();
      var app = start(redis.url(), prefix, "--kaleem.security.rate-limit.lease-share=0.05");
      RateLimiter limiter = app.getBean(RateLimiter.class);
      assertThat(limiter.isShared()).isTrue();
      String token = tinyPlanToken(app);
      // A bucket served from leases (five tokens from Redis at a time) is served on too.
      String large = planToken(app, "mid");
      for (int i = 0; i < 12; i++) {
        assertThat(get(app, large).statusCode()).isEqualTo(200);
      }

      assertThat(get(app, token).headers().firstValue("RateLimit").orElseThrow())
          .matches("\"tiny\";r=5;t=\\d+");
      assertThat(redis.keys(prefix + "*")).hasSize(2);

      redis.stop();

      // Served on: the local bucket starts full, then limits on its own.
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        statuses.add(get(app, token).statusCode());
      }
      assertThat(statuses.subList(0, 6)).doesNotContain(429, 500, 502, 503);
      assertThat(statuses.subList(6, 8)).containsOnly(429);
      // The failed checks opened the API's one Redis circuit.
      assertThat(app.getBean(RedisGuard.class).available()).isFalse();
      assertThat(limiter.isDegraded()).isTrue();
      assertThat(limiter.isShared()).isFalse();
      for (int i = 0; i < 12; i++) {
        assertThat(get(app, large).statusCode()).isEqualTo(200);
      }
    }
  }

  /**
   * Every check goes to Redis (no lease), 8 clients at a time; Redis is killed in the middle and
   * started again. No request fails, the aggregate health shows the outage while readiness does
   * not, and checks go to the shared bucket in the new Redis once the circuit closes again.
   */
  @Test
  void redisKilledMidRunCostsNoRequestAndSharedBudgetsComeBack() throws Exception {
    try (DedicatedRedis redis = new DedicatedRedis()) {
      redis.start();
      String prefix = "rl-kill:" + UUID.randomUUID();
      var app =
          start(
              redis.url(),
              prefix,
              "--kaleem.security.rate-limit.lease-share=0",
              "--kaleem.security.rate-limit.plans.big=1000000");
      RateLimiter limiter = app.getBean(RateLimiter.class);
      RedisGuard guard = app.getBean(RedisGuard.class);
      assertThat(limiter.isShared()).isTrue();
      String token = planToken(app, "big");

      AtomicInteger done = new AtomicInteger();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      int total = 1000;
      var run =
          Flux.range(0, total)
              .flatMap(
                  i ->
                      Mono.fromCallable(
                              () -> {
                                HttpResponse<String> r = get(app, token);
                                if (r.statusCode() != 200) {
                                  failures.add(i + ": " + r.statusCode());
                                }
                                return done.incrementAndGet();
                              })
                          .subscribeOn(Schedulers.boundedElastic()),
                  8)
              .then()
              .toFuture();

      await("200 requests", () -> done.get() >= 200);
      redis.stop();
      int killedAt = done.get();
      await("300 requests without Redis", () -> done.get() >= killedAt + 300);
      assertThat(guard.available()).isFalse();
      assertThat(limiter.isShared()).isFalse();
      assertThat(status(app, "/api/health")).isEqualTo(503);
      assertThat(status(app, "/api/health/readiness")).isEqualTo(200);

      redis.start();
      await("the health is UP again", () -> status(app, "/api/health") == 200);
      run.get(3, TimeUnit.MINUTES);
      assertThat(failures).isEmpty();
      assertThat(done.get()).isEqualTo(total);
      // The circuit closes on the next checks' probes; then buckets live in the new Redis.
      await(
          "checks share buckets in the new Redis",
          () ->
              plansStatus(app, token) == 200
                  && guard.state().equals("CLOSED")
                  && !redis.keys(prefix + "*").isEmpty());
      assertThat(limiter.isShared()).isTrue();
    }
  }

  static int plansStatus(ConfigurableApplicationContext app, String token) {
    try {
      return get(app, token).statusCode();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static int status(ConfigurableApplicationContext app, String path) {
    try {
      return CLIENT
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(app) + path))
                  .timeout(java.time.Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting until " + what);
      }
      Thread.sleep(50);
    }
  }

  @Test
  void anInstanceStartsAndServesWithoutRedis() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    var app = start("redis://127.0.0.1:" + closedPort, "rl-absent:" + UUID.randomUUID());
    RateLimiter limiter = app.getBean(RateLimiter.class);
    assertThat(limiter.isShared()).isFalse();
    assertThat(limiter.isDegraded()).isTrue();
    String token = tinyPlanToken(app);
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      HttpResponse<String> r = get(app, token);
      assertThat(r.headers().firstValue("RateLimit-Policy")).hasValue("\"tiny\";q=6;w=60");
      statuses.add(r.statusCode());
    }
    assertThat(statuses.subList(0, 6)).doesNotContain(429, 500, 502, 503);
    assertThat(statuses.get(6)).isEqualTo(429);

    // Guessed tokens are refused before the limiter, yet spend the IP's anonymous budget (60).
    List<Integer> guesses = new ArrayList<>();
    for (int i = 0; i < 61; i++) {
      guesses.add(get(app, "guess." + i + ".token").statusCode());
    }
    assertThat(guesses.subList(0, 60)).containsOnly(401);
    assertThat(guesses.get(60)).isEqualTo(429);

    // Sign-in attempts from one IP across many accounts: the stricter auth budget (20).
    List<HttpResponse<String>> logins = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      logins.add(
          CLIENT.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + port(app) + "/api/v1/auth/login"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"email\":\"user"
                              + i
                              + "@example.com\",\"password\":\"guess-"
                              + i
                              + "\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    assertThat(logins.subList(0, 20)).allMatch(r -> r.statusCode() == 401);
    HttpResponse<String> blocked = logins.get(20);
    assertThat(blocked.statusCode()).isEqualTo(429);
    assertThat(blocked.headers().firstValue("RateLimit-Policy")).hasValue("\"auth\";q=20;w=60");
    assertThat(blocked.headers().firstValue("Retry-After")).isPresent();
  }
}
