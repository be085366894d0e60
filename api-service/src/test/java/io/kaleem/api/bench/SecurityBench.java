package io.kaleem.api.bench;

import io.kaleem.api.KaleemApiApplication;
import io.kaleem.api.ratelimit.RateLimiter;
import io.kaleem.api.security.AccessTokenIssuer;
import io.kaleem.api.security.AuthenticatedUser;
import io.kaleem.api.security.Role;
import io.kaleem.api.security.SecurityProperties;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * {@code make bench} (bench/security.bench.sh): the same application measured with and without its
 * security filter chain, side by side in one run, plus microseconds per JWT validation and per
 * Redis rate-limit check. The "without" instance removes the chain's bean in this bench-only code;
 * production has no such switch.
 */
public final class SecurityBench {

  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  /** Removes Spring Security's WebFilterChainProxy: requests reach the handlers unfiltered. */
  static final class WithoutSecurityChain implements BeanDefinitionRegistryPostProcessor {
    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
      for (String name : registry.getBeanDefinitionNames()) {
        var definition = registry.getBeanDefinition(name);
        if ("springSecurityWebFilterChainFilter".equals(definition.getFactoryMethodName())) {
          registry.removeBeanDefinition(name);
          return;
        }
      }
      throw new IllegalStateException("no security WebFilterChainProxy bean to remove");
    }
  }

  record Load(double requestsPerSecond, double p50Micros, double p95Micros, long requests) {}

  public static void main(String[] args) {
    int status = 0;
    try {
      measure(args);
    } catch (Exception e) {
      e.printStackTrace();
      status = 1;
    }
    System.exit(status);
  }

  static void measure(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    Path out = Path.of(args.length > 2 ? args[2] : "bench/results");
    // Long enough for the JIT to settle: two applications share the process, and a short warm-up
    // measures C2 compiling the secured path rather than running it.
    int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 15;

    ConfigurableApplicationContext secured = start(false);
    ConfigurableApplicationContext open;
    try {
      open = start(true);
    } catch (RuntimeException e) {
      secured.close();
      throw e;
    }
    try {
      String securedUrl = seed(secured);
      String openUrl = seed(open);
      String token =
          secured
              .getBean(AccessTokenIssuer.class)
              .issue(
                  new AuthenticatedUser(
                      new ObjectId().toHexString(),
                      Role.MERCHANT_OWNER,
                      merchantOf(securedUrl),
                      "bench"));

      // Warm both, then alternate rounds so drift on a shared machine hits both alike.
      run(securedUrl, token, warmup, concurrency);
      run(openUrl, List.of(), warmup, concurrency);
      // One user per client thread: separate rate-limit buckets, as with real traffic.
      List<String> perThread = new ArrayList<>();
      for (int i = 0; i < concurrency; i++) {
        perThread.add(
            secured
                .getBean(AccessTokenIssuer.class)
                .issue(
                    new AuthenticatedUser(
                        new ObjectId().toHexString(),
                        Role.MERCHANT_OWNER,
                        merchantOf(securedUrl),
                        "bench")));
      }
      run(securedUrl, perThread, warmup, concurrency);
      List<Load> withChain = new ArrayList<>();
      List<Load> withChainUsers = new ArrayList<>();
      List<Load> withoutChain = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        withChain.add(run(securedUrl, token, seconds, concurrency));
        withChainUsers.add(run(securedUrl, perThread, seconds, concurrency));
        withoutChain.add(run(openUrl, List.of(), seconds, concurrency));
      }
      Load u = median(withChainUsers);
      double jwtMicros = jwtValidation(secured, token);
      double jwtFirstUseMicros = jwtFirstUse(secured, merchantOf(securedUrl));
      double limitMicros = rateLimitCheck(secured);
      double exactLimitMicros = exactRateLimitCheck(secured);
      double leaseShare = secured.getBean(SecurityProperties.class).rateLimit().leaseShare();

      Load s = median(withChain);
      Load o = median(withoutChain);
      String table =
          """
          | GET /api/v1/merchants/{m}/products/{id} | requests/s | P50 µs | P95 µs | requests |
          |---|---:|---:|---:|---:|
          | with security chain (JWT + policy + Redis rate limit), one user for all threads | %.0f | %.0f | %.0f | %d |
          | with security chain, one user per client thread | %.0f | %.0f | %.0f | %d |
          | security chain removed (bench-only config) | %.0f | %.0f | %.0f | %d |
          | ratio secured / open, one user | %.2f | %.2f | %.2f | |
          | ratio secured / open, one user per thread | %.2f | %.2f | %.2f | |

          | operation | µs per call |
          |---|---:|
          | JWT decode of a token seen before (verified-token cache hit) | %.1f |
          | JWT decode of a new token (cache miss: ES256 + validators + cache insert) | %.1f |
          | rate-limit check as configured (Bucket4j on Redis 127.0.0.1, lease share %.2f) | %.1f |
          | rate-limit check, every request to Redis (Bucket4j CAS round trips, no lease) | %.1f |
          """
              .formatted(
                  s.requestsPerSecond(),
                  s.p50Micros(),
                  s.p95Micros(),
                  s.requests(),
                  u.requestsPerSecond(),
                  u.p50Micros(),
                  u.p95Micros(),
                  u.requests(),
                  o.requestsPerSecond(),
                  o.p50Micros(),
                  o.p95Micros(),
                  o.requests(),
                  s.requestsPerSecond() / o.requestsPerSecond(),
                  s.p50Micros() / o.p50Micros(),
                  s.p95Micros() / o.p95Micros(),
                  u.requestsPerSecond() / o.requestsPerSecond(),
                  u.p50Micros() / o.p50Micros(),
                  u.p95Micros() / o.p95Micros(),
                  jwtMicros,
                  jwtFirstUseMicros,
                  leaseShare,
                  limitMicros,
                  exactLimitMicros);
      String header =
          "# Security overhead, "
              + Instant.now()
              + "\n\n"
              + concurrency
              + " client threads, 3 alternating rounds of "
              + seconds
              + " s per configuration (median round shown), in-process MongoDB, one JVM, "
              + Runtime.getRuntime().availableProcessors()
              + " cores shared with the load generator.\n\n";
      System.out.println(table);
      Files.createDirectories(out);
      String stamp =
          DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
              .withZone(ZoneOffset.UTC)
              .format(Instant.now());
      Files.writeString(out.resolve("security-" + stamp + ".md"), header + table);
      Files.writeString(out.resolve("security-latest.md"), header + table);
    } finally {
      open.close();
      secured.close();
    }
  }

  static ConfigurableApplicationContext start(boolean withoutChain) {
    SpringApplicationBuilder builder =
        new SpringApplicationBuilder(KaleemApiApplication.class)
            .properties("logging.level.io.kaleem.api.access=WARN");
    if (withoutChain) {
      // As a bean, so it runs after the configuration classes have registered the chain.
      builder.initializers(
          ctx ->
              ((org.springframework.context.support.GenericApplicationContext) ctx)
                  .registerBean(WithoutSecurityChain.class));
    }
    return builder.run(
        "--server.port=0",
        "--kaleem.mongo.embedded.data-file=",
        "--kaleem.mongo.embedded.demo-data=false",
        "--spring.mongodb.database=bench-" + UUID.randomUUID(),
        "--kaleem.security.jwt.dev-key-file=",
        "--kaleem.security.demo-users.enabled=false",
        "--kaleem.security.rate-limit.key-prefix=rl-bench:" + UUID.randomUUID(),
        "--kaleem.security.rate-limit.plans.bench=1000000000",
        "--logging.level.io.kaleem.api.access=WARN");
  }

  /** A merchant and an ACTIVE product stored directly; returns the product URL. */
  static String seed(ConfigurableApplicationContext app) {
    ReactiveMongoTemplate mongo = app.getBean(ReactiveMongoTemplate.class);
    ObjectId merchant = new ObjectId();
    ObjectId product = new ObjectId();
    Date now = new Date();
    mongo
        .insert(
            new Document("_id", merchant)
                .append("name", new Document("en", "Bench"))
                .append("slug", "bench-" + merchant.toHexString())
                .append("status", "ACTIVE")
                .append("createdAt", now)
                .append("updatedAt", now),
            "merchants")
        .block();
    mongo
        .insert(
            new Document("_id", product)
                .append("merchantId", merchant.toHexString())
                .append("sku", "BENCH-1")
                .append("name", new Document("en", "Bench product"))
                .append("price", 1000L)
                .append("currency", "SAR")
                .append("stock", 5)
                .append("status", "ACTIVE")
                .append("tags", List.of())
                .append("images", List.of())
                .append("searchTerms", List.of())
                .append("createdAt", now)
                .append("updatedAt", now),
            "products")
        .block();
    int port = ((WebServerApplicationContext) app).getWebServer().getPort();
    return "http://127.0.0.1:"
        + port
        + "/api/v1/merchants/"
        + merchant.toHexString()
        + "/products/"
        + product.toHexString();
  }

  static String merchantOf(String url) {
    String[] parts = url.split("/");
    return parts[parts.length - 3];
  }

  static Load run(String url, String token, int seconds, int concurrency) throws Exception {
    return run(url, token == null ? List.of() : List.of(token), seconds, concurrency);
  }

  /** Client thread i sends {@code tokens[i % size]} (none when empty). */
  static Load run(String url, List<String> tokens, int seconds, int concurrency) throws Exception {
    List<HttpRequest> requests = new ArrayList<>();
    for (int i = 0; i < Math.max(1, tokens.size()); i++) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
      if (!tokens.isEmpty()) {
        b.header("Authorization", "Bearer " + tokens.get(i));
      }
      requests.add(b.build());
    }
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    List<Future<long[]>> workers = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < concurrency; i++) {
      HttpRequest request = requests.get(i % requests.size());
      workers.add(
          pool.submit(
              () -> {
                long[] lat = new long[1 << 16];
                int n = 0;
                while (System.nanoTime() < end) {
                  long t0 = System.nanoTime();
                  HttpResponse<byte[]> r =
                      CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
                  if (r.statusCode() != 200) {
                    throw new IOException("status " + r.statusCode() + " from " + url);
                  }
                  if (n == lat.length) {
                    lat = Arrays.copyOf(lat, n * 2);
                  }
                  lat[n++] = System.nanoTime() - t0;
                }
                return Arrays.copyOf(lat, n);
              }));
    }
    List<long[]> all = new ArrayList<>();
    for (Future<long[]> f : workers) {
      all.add(f.get());
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    return new Load(
        merged.length / elapsed,
        merged[(int) (merged.length * 0.50)] / 1e3,
        merged[(int) (merged.length * 0.95)] / 1e3,
        merged.length);
  }

  static Load median(List<Load> loads) {
    List<Load> sorted = new ArrayList<>(loads);
    sorted.sort((x, y) -> Double.compare(x.requestsPerSecond(), y.requestsPerSecond()));
    return sorted.get(sorted.size() / 2);
  }

  static double jwtValidation(ConfigurableApplicationContext app, String token) {
    ReactiveJwtDecoder decoder = app.getBean(ReactiveJwtDecoder.class);
    for (int i = 0; i < 5_000; i++) {
      decoder.decode(token).block();
    }
    int n = 20_000;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      decoder.decode(token).block();
    }
    return (System.nanoTime() - t0) / 1e3 / n;
  }

  /** Decodes distinct tokens once each: every call misses the cache and verifies the signature. */
  static double jwtFirstUse(ConfigurableApplicationContext app, String merchantId) {
    ReactiveJwtDecoder decoder = app.getBean(ReactiveJwtDecoder.class);
    AccessTokenIssuer issuer = app.getBean(AccessTokenIssuer.class);
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      tokens.add(
          issuer.issue(
              new AuthenticatedUser(
                  new ObjectId().toHexString(), Role.MERCHANT_OWNER, merchantId, "bench")));
    }
    for (String t : tokens.subList(0, 1_000)) {
      decoder.decode(t).block();
    }
    List<String> measured = tokens.subList(1_000, tokens.size());
    long t0 = System.nanoTime();
    for (String t : measured) {
      decoder.decode(t).block();
    }
    return (System.nanoTime() - t0) / 1e3 / measured.size();
  }

  /** µs per check with the application's limiter (its configured lease share). */
  static double rateLimitCheck(ConfigurableApplicationContext app) {
    return rateLimitCheck(app.getBean(RateLimiter.class));
  }

  /** µs per check with every request going to Redis (lease share 0), as small buckets do. */
  static double exactRateLimitCheck(ConfigurableApplicationContext app) {
    SecurityProperties p = app.getBean(SecurityProperties.class);
    SecurityProperties.RateLimit r = p.rateLimit();
    RateLimiter exact =
        new RateLimiter(
            new SecurityProperties(
                p.jwt(),
                p.cors(),
                new SecurityProperties.RateLimit(
                    r.enabled(),
                    r.redisUrl(),
                    r.keyPrefix(),
                    r.window(),
                    r.anonymous(),
                    r.auth(),
                    r.loginPerAccount(),
                    r.defaultPlan(),
                    r.plans(),
                    r.redisTimeout(),
                    0),
                p.demoUsers(),
                p.requestTimeout()));
    try {
      return rateLimitCheck(exact);
    } finally {
      exact.destroy();
    }
  }

  static double rateLimitCheck(RateLimiter limiter) {
    if (!limiter.isShared()) {
      throw new IllegalStateException("Redis is not reachable: start it with `make services-up`");
    }
    String key = "bench-micro-" + UUID.randomUUID();
    for (int i = 0; i < 2_000; i++) {
      limiter.consume(key, 1_000_000_000L).block();
    }
    int n = 10_000;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      limiter.consume(key, 1_000_000_000L).block();
    }
    return (System.nanoTime() - t0) / 1e3 / n;
  }

  private SecurityBench() {}
}
