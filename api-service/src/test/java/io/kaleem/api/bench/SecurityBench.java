package io.kaleem.api.bench;

import io.kaleem.api.KaleemApiApplication;
import io.kaleem.api.ratelimit.RateLimiter;
import io.kaleem.api.security.AccessTokenIssuer;
import io.kaleem.api.security.AuthenticatedUser;
import io.kaleem.api.security.Role;
import io.kaleem.api.security.SecurityProperties;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
 * Redis rate-limit check. Each instance runs in its own JVM ({@link Server}); the "without" one
 * removes the chain's bean in this bench-only code; production has no such switch.
 */
public final class SecurityBench {

  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  /** Measured rounds per configuration; the median is reported (three moved it by ±0.05). */
  private static final int ROUNDS = 5;

  /** Removes the API's SecurityFilter: requests reach the handlers unfiltered. */
  static final class WithoutSecurityChain implements BeanDefinitionRegistryPostProcessor {
    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
      for (String name : registry.getBeanDefinitionNames()) {
        var definition = registry.getBeanDefinition(name);
        if ("securityFilter".equals(definition.getFactoryMethodName())) {
          registry.removeBeanDefinition(name);
          return;
        }
      }
      throw new IllegalStateException("no securityFilter bean to remove");
    }
  }

  record Load(
      double requestsPerSecond,
      double p50Micros,
      double p95Micros,
      long requests,
      double serverCpuMicros) {}

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
    int maxWarmup = args.length > 3 ? Integer.parseInt(args[3]) : 120;

    // Each instance in its own JVM, as it runs in production. Both in one JVM made the JIT
    // recompile, in every secured round, the code the open round before had deoptimized: the C2
    // thread alone took ~190 µs of CPU per secured request, and the ratio measured the JIT.
    try (Instance secured = Instance.launch(Server.SECURED, concurrency);
        Instance open = Instance.launch(Server.OPEN, 0)) {
      String token = secured.tokens().get(0);
      // One user per client thread: separate rate-limit buckets, as with real traffic.
      List<String> perThread = secured.tokens().subList(1, secured.tokens().size());

      List<Target> targets =
          List.of(
              new Target(secured, List.of(token)),
              new Target(secured, perThread),
              new Target(open, List.of()));
      long warmupNanos = warmUp(targets, maxWarmup, concurrency);
      // Alternate rounds so drift on a shared machine hits each configuration alike.
      List<List<Load>> rounds = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
      for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < targets.size(); i++) {
          Target t = targets.get(i);
          rounds.get(i).add(run(t.instance(), t.tokens(), seconds, concurrency));
        }
      }
      Load s = median(rounds.get(0));
      Load u = median(rounds.get(1));
      Load o = median(rounds.get(2));
      Micro micro = secured.micro();
      String table =
          """
          | GET /api/v1/merchants/{m}/products/{id} | requests/s | P50 µs | P95 µs | requests | server CPU µs/request |
          |---|---:|---:|---:|---:|---:|
          | with security chain (JWT + policy + Redis rate limit), one user for all threads | %.0f | %.0f | %.0f | %d | %.0f |
          | with security chain, one user per client thread | %.0f | %.0f | %.0f | %d | %.0f |
          | security chain removed (bench-only config) | %.0f | %.0f | %.0f | %d | %.0f |
          | ratio secured / open, one user | %.2f | %.2f | %.2f | | %.2f |
          | ratio secured / open, one user per thread | %.2f | %.2f | %.2f | | %.2f |

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
                  s.serverCpuMicros(),
                  u.requestsPerSecond(),
                  u.p50Micros(),
                  u.p95Micros(),
                  u.requests(),
                  u.serverCpuMicros(),
                  o.requestsPerSecond(),
                  o.p50Micros(),
                  o.p95Micros(),
                  o.requests(),
                  o.serverCpuMicros(),
                  s.requestsPerSecond() / o.requestsPerSecond(),
                  s.p50Micros() / o.p50Micros(),
                  s.p95Micros() / o.p95Micros(),
                  s.serverCpuMicros() / o.serverCpuMicros(),
                  u.requestsPerSecond() / o.requestsPerSecond(),
                  u.p50Micros() / o.p50Micros(),
                  u.p95Micros() / o.p95Micros(),
                  u.serverCpuMicros() / o.serverCpuMicros(),
                  micro.jwtMicros(),
                  micro.jwtFirstUseMicros(),
                  micro.leaseShare(),
                  micro.limitMicros(),
                  micro.exactLimitMicros());
      String header =
          "# Security overhead, "
              + Instant.now()
              + "\n\n"
              + concurrency
              + " client threads, "
              + ROUNDS
              + " alternating rounds of "
              + seconds
              + " s per configuration (median round shown) after a warm-up of "
              + TimeUnit.NANOSECONDS.toSeconds(warmupNanos)
              + " s (until each JVM's JIT had settled), in-process MongoDB; each instance in its"
              + " own JVM, the load generator in a third, all on "
              + Runtime.getRuntime().availableProcessors()
              + " shared cores. Server CPU is the instance JVM's CPU time (all threads, the"
              + " in-process MongoDB's included) divided by the requests served.\n\n";
      System.out.println(table);
      Files.createDirectories(out);
      String stamp =
          DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
              .withZone(ZoneOffset.UTC)
              .format(Instant.now());
      Files.writeString(out.resolve("security-" + stamp + ".md"), header + table);
      Files.writeString(out.resolve("security-latest.md"), header + table);
    }
  }

  /** One measured configuration: an instance and the tokens its client threads send. */
  record Target(Instance instance, List<String> tokens) {}

  /** A warm-up round in which an instance's JIT compilers worked less than this has settled. */
  static final long SETTLED_JIT_MILLIS_PER_ROUND = 250;

  static final int WARMUP_ROUND_SECONDS = 5;

  /**
   * Loads every target in turn, 5 s each, until the JIT of every instance has settled in the same
   * round (or {@code maxSeconds} per target have passed); returns the warm-up time. On two shared
   * cores C2 takes a minute or more to compile a Spring application's request path, and a fixed
   * short warm-up measured the compiler: each instance spent a third of its CPU in C2.
   */
  static long warmUp(List<Target> targets, int maxSeconds, int concurrency) throws Exception {
    long start = System.nanoTime();
    for (int round = 1; ; round++) {
      boolean settled = true;
      StringBuilder line = new StringBuilder("warm-up round " + round + ":");
      for (Target t : targets) {
        long jit = t.instance().jitMillis();
        Load l = run(t.instance(), t.tokens(), WARMUP_ROUND_SECONDS, concurrency);
        jit = t.instance().jitMillis() - jit;
        settled &= jit < SETTLED_JIT_MILLIS_PER_ROUND;
        line.append(
            " %s %.0f req/s, %.0f µs CPU/request, JIT %d ms;"
                .formatted(t.instance().kind, l.requestsPerSecond(), l.serverCpuMicros(), jit));
      }
      System.err.println(line);
      if ((settled && round >= 3) || round * WARMUP_ROUND_SECONDS >= maxSeconds) {
        return System.nanoTime() - start;
      }
    }
  }

  /** Microseconds per JWT validation and per rate-limit check, measured inside the instance. */
  record Micro(
      double jwtMicros,
      double jwtFirstUseMicros,
      double limitMicros,
      double exactLimitMicros,
      double leaseShare) {}

  /**
   * The child JVM: one application instance ({@code secured} or {@code open}), seeded, that prints
   * {@code READY <product url> <tokens...>} and then answers {@code micro} on stdin with {@code
   * MICRO <figures>} until stdin closes.
   */
  public static final class Server {
    static final String SECURED = "secured";
    static final String OPEN = "open";

    public static void main(String[] args) {
      int status = 0;
      try {
        serve(args[0].equals(OPEN), Integer.parseInt(args[1]));
      } catch (Exception e) {
        e.printStackTrace();
        status = 1;
      }
      System.exit(status);
    }

    private static void serve(boolean withoutChain, int users) throws IOException {
      try (ConfigurableApplicationContext app = start(withoutChain)) {
        String url = seed(app);
        List<String> tokens = new ArrayList<>();
        if (!withoutChain) {
          for (int i = 0; i <= users; i++) {
            tokens.add(token(app, merchantOf(url)));
          }
        }
        System.out.println(("READY " + url + " " + String.join(" ", tokens)).strip());
        BufferedReader commands =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String c = commands.readLine(); c != null; c = commands.readLine()) {
          if (c.equals("jit")) {
            System.out.println(
                "JIT " + ManagementFactory.getCompilationMXBean().getTotalCompilationTime());
          } else if (c.equals("micro")) {
            System.out.println(
                "MICRO "
                    + jwtValidation(app, tokens.get(0))
                    + " "
                    + jwtFirstUse(app, merchantOf(url))
                    + " "
                    + rateLimitCheck(app)
                    + " "
                    + exactRateLimitCheck(app)
                    + " "
                    + app.getBean(SecurityProperties.class).rateLimit().leaseShare());
          }
        }
      }
    }

    private Server() {}
  }

  /** A {@link Server} in a child JVM on this classpath, driven over its stdin and stdout. */
  static final class Instance implements AutoCloseable {
    private final String kind;
    private final Process process;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final Writer commands;
    private String url;
    private List<String> tokens = List.of();

    private Instance(String kind, Process process) {
      this.kind = kind;
      this.process = process;
      this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      // Drained all the time, so a chatty log never fills the pipe and stalls the instance.
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader lines = process.inputReader(StandardCharsets.UTF_8)) {
                  for (String l = lines.readLine(); l != null; l = lines.readLine()) {
                    if (l.startsWith("READY") || l.startsWith("MICRO ") || l.startsWith("JIT ")) {
                      replies.add(l);
                    } else if (!l.startsWith("{")) {
                      System.err.println("[" + kind + "] " + l);
                    }
                  }
                } catch (IOException e) {
                  // The instance is gone; reply() reports its exit status.
                }
              },
              "bench-" + kind + "-output");
      reader.setDaemon(true);
      reader.start();
    }

    static Instance launch(String kind, int users) throws Exception {
      String java = ProcessHandle.current().info().command().orElse("java");
      Process p =
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  Server.class.getName(),
                  kind,
                  Integer.toString(users))
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      Instance instance = new Instance(kind, p);
      try {
        String[] ready = instance.reply("READY").split(" ");
        instance.url = ready[0];
        instance.tokens = List.of(Arrays.copyOfRange(ready, 1, ready.length));
        return instance;
      } catch (Exception e) {
        instance.close();
        throw e;
      }
    }

    String url() {
      return url;
    }

    List<String> tokens() {
      return tokens;
    }

    /** CPU time the instance's JVM has used so far, all threads (JIT and GC included). */
    long cpuNanos() {
      return process
          .info()
          .totalCpuDuration()
          .orElseThrow(() -> new IllegalStateException("this OS does not report process CPU time"))
          .toNanos();
    }

    /** Milliseconds the instance's JIT compilers have worked so far. */
    long jitMillis() throws Exception {
      commands.write("jit\n");
      commands.flush();
      return Long.parseLong(reply("JIT"));
    }

    Micro micro() throws Exception {
      commands.write("micro\n");
      commands.flush();
      String[] f = reply("MICRO").split(" ");
      return new Micro(
          Double.parseDouble(f[0]),
          Double.parseDouble(f[1]),
          Double.parseDouble(f[2]),
          Double.parseDouble(f[3]),
          Double.parseDouble(f[4]));
    }

    /** The next reply, without its tag; fails when the instance exits or stays silent. */
    private String reply(String tag) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (System.nanoTime() < deadline) {
        String line = replies.poll(1, TimeUnit.SECONDS);
        if (line != null) {
          return line.substring(tag.length()).strip();
        }
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "the " + kind + " instance exited with " + process.exitValue() + " before " + tag);
        }
      }
      throw new IllegalStateException("no " + tag + " from the " + kind + " instance in 3 min");
    }

    @Override
    public void close() {
      try {
        commands.close();
      } catch (IOException e) {
        // Already exited.
      }
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A fresh merchant owner's access token for the merchant, signed by the instance. */
  static String token(ConfigurableApplicationContext app, String merchantId) {
    return app.getBean(AccessTokenIssuer.class)
        .issue(
            new AuthenticatedUser(
                new ObjectId().toHexString(), Role.MERCHANT_OWNER, merchantId, "bench"));
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

  /**
   * Closed-loop load on the instance's product URL; client thread i sends {@code tokens[i % size]}
   * (none when empty). Also measures the CPU the instance's JVM spent per request, which two shared
   * cores disturb far less than throughput.
   */
  static Load run(Instance target, List<String> tokens, int seconds, int concurrency)
      throws Exception {
    String url = target.url();
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
    long cpuBefore = target.cpuNanos();
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
    long cpu = target.cpuNanos() - cpuBefore;
    pool.shutdown();
    long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    return new Load(
        merged.length / elapsed,
        merged[(int) (merged.length * 0.50)] / 1e3,
        merged[(int) (merged.length * 0.95)] / 1e3,
        merged.length,
        cpu / 1e3 / merged.length);
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
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      tokens.add(token(app, merchantId));
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
    SecurityProperties.RateLimit r = app.getBean(SecurityProperties.class).rateLimit();
    RateLimiter exact =
        new RateLimiter(
            new RateLimiter.Settings(r.keyPrefix(), r.window(), 0),
            app.getBean(
                org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory.class),
            app.getBean(io.kaleem.api.redis.RedisGuard.class));
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
