package io.kaleem.api.bench;

import com.mongodb.client.model.Sorts;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.nimbusds.jose.jwk.JWKSet;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.kaleem.api.pagination.CursorMint;
import io.kaleem.api.products.ProductBenchAccess;
import io.kaleem.api.search.SearchText;
import io.kaleem.api.security.AccessTokenIssuer;
import io.kaleem.api.security.AuthenticatedUser;
import io.kaleem.api.security.JwtKeys;
import io.kaleem.api.security.Role;
import io.kaleem.api.security.SecurityProperties;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import reactor.core.publisher.Mono;

/**
 * {@code make bench} for the API core: cold start to ready, RSS, cursor page latency at depth 0 /
 * 1k / 10k pages for a 200k-product merchant, and a closed-loop load on loopback. Prints a table
 * and writes it to bench/results/. Every figure is measured in this run; no target is asserted.
 */
public final class ApiBenchmark {

  static final String SECRET = "bench-cursor-secret-0123456789abcdef";
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** The key set the API under test verifies with; the bench signs admin tokens with it. */
  static final String JWKS = new JWKSet(JwtKeys.generate("bench")).toString(false);

  static final AccessTokenIssuer ISSUER = issuer();

  /** Minted afresh per phase: a run can outlast one access token's 15 minutes. */
  static volatile String bearer = mint();

  static AccessTokenIssuer issuer() {
    SecurityProperties props =
        new Binder(new MapConfigurationPropertySource(Map.of("kaleem.security.jwt.jwk-set", JWKS)))
            .bindOrCreate("kaleem.security", SecurityProperties.class);
    return new AccessTokenIssuer(JwtKeys.from(props.jwt()), props, Clock.systemUTC());
  }

  static String mint() {
    return ISSUER.issue(
        new AuthenticatedUser(new ObjectId().toHexString(), Role.PLATFORM_ADMIN, null, null));
  }

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args[0]);
    Path results = Path.of(args.length > 1 ? args[1] : "bench/results");
    int products = Integer.getInteger("bench.products", 200_000);
    int loadSeconds = Integer.getInteger("bench.loadSeconds", 10);
    Path work = Files.createTempDirectory("kaleem-bench");
    Report report = new Report();

    // 1. Cold start of `make run`'s configuration: embedded server, fresh file, demo data.
    for (String run : List.of("first start (empty data file, demo data loaded)", "restart")) {
      try (ApiProcess api =
          ApiProcess.start(
              jar, 18080, Map.of("KALEEM_DATA_FILE", work.resolve("cold.mv").toString()))) {
        report.row("ready after `make run` (" + run + ")", ms(api.readyAfter), "target < 10 s");
        report.row("RSS after start (" + run + ")", mib(api.rssKb()), "target < 400 MiB");
      }
    }

    // 2. A 200k-product merchant, on the MongoDB named by MONGODB_URI or an embedded server.
    String external = System.getenv("MONGODB_URI");
    MongoServer embedded = null;
    String uri = external;
    if (uri == null || uri.isBlank()) {
      embedded = new MongoServer(new MemoryBackend());
      uri = embedded.bindAndGetConnectionString();
    }
    String server =
        external != null && !external.isBlank()
            ? "real MongoDB (MONGODB_URI)"
            : "in-process mongo-java-server, memory backend (scans every query: it records"
                + " non-unique indexes but does not use them, so depth figures say nothing about"
                + " index seeks; set MONGODB_URI to a real MongoDB for those)";
    report.note("Database for sections 2-3: " + server);
    String database = "bench" + System.currentTimeMillis();
    ObjectId merchant = new ObjectId();
    try (MongoClient client = MongoClients.create(uri)) {
      long t0 = System.nanoTime();
      seed(client.getDatabase(database).getCollection("products"), merchant, products);
      Mono.from(
              client
                  .getDatabase(database)
                  .getCollection("merchants")
                  .insertOne(
                      new Document("_id", merchant)
                          .append("slug", "bench")
                          .append("status", "ACTIVE")))
          .block();
      report.row("seed " + products + " products", ms(System.nanoTime() - t0), "");

      Map<String, String> env =
          Map.of(
              "MONGODB_URI", uri,
              "KALEEM_DATABASE", database,
              "KALEEM_PAGINATION_CURSOR_SECRET", SECRET,
              "KALEEM_JWT_JWKS", JWKS);
      try (ApiProcess api = ApiProcess.start(jar, 18081, env)) {
        report.row(
            "ready with " + products + " products (indexes ensured)", ms(api.readyAfter), "");
        report.row("RSS after start", mib(api.rssKb()), "target < 400 MiB");
        String base =
            "http://127.0.0.1:18081/api/v1/merchants/" + merchant.toHexString() + "/products";

        // Cursor depth: the cursor the API would hand out after page N, minted directly.
        MongoCollection<Document> coll = client.getDatabase(database).getCollection("products");
        CursorMint mint = new CursorMint(SECRET);
        var query = ProductBenchAccess.defaultListQuery(merchant.toHexString());
        double depth0 = 0;
        for (int wanted : new int[] {0, 1_000, 10_000}) {
          // The deepest page that has rows: with 200k products, page 10 000 is one past the end.
          int depth = Math.min(wanted, Math.max(0, products / 20 - 1));
          if (wanted > 0 && depth < wanted / 2) {
            report.row(
                "page at depth " + depth + " pages",
                "n/a",
                "fewer than " + (depth * 20) + " products seeded");
            continue;
          }
          String url = base + "?limit=20";
          if (depth > 0) {
            Document row =
                Mono.from(
                        coll.find(new Document("merchantId", merchant.toHexString()))
                            .sort(
                                Sorts.orderBy(
                                    Sorts.descending("createdAt"), Sorts.descending("_id")))
                            .skip(depth * 20 - 1)
                            .first())
                    .block();
            url +=
                "&after="
                    + URLEncoder.encode(mint.cursorAt(query, null, row), StandardCharsets.UTF_8);
          }
          bearer = mint();
          double median = medianMs(url, 15);
          if (depth == 0) {
            depth0 = median;
          }
          report.row(
              "page at depth " + depth + " pages (median of 15)",
              String.format("%.1f ms", median),
              wanted == 10_000
                  ? String.format("%.2fx depth 0 (target <= 2x on real MongoDB)", median / depth0)
                  : "");
        }

        String id =
            Mono.from(coll.find(new Document("merchantId", merchant.toHexString())).first())
                .block()
                .getObjectId("_id")
                .toHexString();
        for (var target :
            List.of(
                Map.entry("GET /api/v1/merchants/{m}/products?limit=20", base + "?limit=20"),
                Map.entry("GET /api/v1/merchants/{m}/products/{id}", base + "/" + id))) {
          bearer = mint();
          Load load = Load.run(target.getValue(), 8, Duration.ofSeconds(loadSeconds));
          report.row(
              target.getKey() + " (8 clients, " + loadSeconds + " s)",
              String.format("%.0f req/s", load.throughput()),
              String.format(
                  "P50 %.1f ms, P95 %.1f ms, P99 %.1f ms, errors %d",
                  load.percentile(50), load.percentile(95), load.percentile(99), load.errors));
        }
        report.row("RSS after the benchmark", mib(api.rssKb()), "target < 400 MiB");
      }
    } finally {
      if (embedded != null) {
        embedded.shutdownNow();
      }
    }
    report.write(results, "api");
  }

  static void seed(MongoCollection<Document> coll, ObjectId merchant, int n) {
    Random random = new Random(42);
    Instant start = Instant.parse("2025-01-01T00:00:00Z");
    List<Document> batch = new ArrayList<>(5_000);
    for (int i = 0; i < n; i++) {
      String en = "Product " + i + " " + (i % 97 == 0 ? "lamp" : "item");
      String ar = "منتج " + i;
      batch.add(
          new Document("merchantId", merchant.toHexString())
              .append("sku", "SKU-" + i)
              .append("name", new Document("ar", ar).append("en", en))
              .append("price", (long) (100 + random.nextInt(100_000)))
              .append("currency", "SAR")
              .append("stock", random.nextInt(500))
              .append("status", random.nextInt(10) == 0 ? "DRAFT" : "ACTIVE")
              .append("tags", List.of("t" + (i % 50)))
              .append("images", List.of())
              .append("searchTerms", SearchText.indexTerms("SKU-" + i, ar + " " + en))
              .append("createdAt", Date.from(start.plusSeconds(i)))
              .append("updatedAt", Date.from(start.plusSeconds(i))));
      if (batch.size() == 5_000) {
        Mono.from(coll.insertMany(List.copyOf(batch))).block();
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      Mono.from(coll.insertMany(batch)).block();
    }
  }

  static double medianMs(String url, int times) throws Exception {
    double[] ms = new double[times];
    get(url); // warm the route
    for (int i = 0; i < times; i++) {
      long t = System.nanoTime();
      HttpResponse<String> r = get(url);
      ms[i] = (System.nanoTime() - t) / 1e6;
      if (r.statusCode() != 200) {
        throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
      }
    }
    Arrays.sort(ms);
    return ms[times / 2];
  }

  static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", "Bearer " + bearer)
            .timeout(Duration.ofSeconds(60))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String ms(long nanos) {
    return String.format("%.2f s", nanos / 1e9);
  }

  static String mib(long kb) {
    return (kb / 1024) + " MiB";
  }

  /** A closed-loop load: each client sends its next request when the previous answered. */
  record Load(long[] latenciesNanos, int count, long errors, Duration elapsed) {
    static Load run(String url, int clients, Duration duration) throws Exception {
      long end = System.nanoTime() + duration.toNanos();
      long[] lat = new long[4_000_000];
      AtomicLong index = new AtomicLong();
      AtomicLong errors = new AtomicLong();
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      long t0 = System.nanoTime();
      for (int c = 0; c < clients; c++) {
        pool.submit(
            () -> {
              while (System.nanoTime() < end) {
                long t = System.nanoTime();
                try {
                  if (get(url).statusCode() != 200) {
                    errors.incrementAndGet();
                  }
                } catch (Exception e) {
                  errors.incrementAndGet();
                }
                long i = index.getAndIncrement();
                if (i < lat.length) {
                  lat[(int) i] = System.nanoTime() - t;
                }
              }
              return null;
            });
      }
      pool.shutdown();
      pool.awaitTermination(duration.toSeconds() + 120, java.util.concurrent.TimeUnit.SECONDS);
      int n = (int) Math.min(index.get(), lat.length);
      long[] used = Arrays.copyOf(lat, n);
      Arrays.sort(used);
      return new Load(used, n, errors.get(), Duration.ofNanos(System.nanoTime() - t0));
    }

    double throughput() {
      return count / (elapsed.toNanos() / 1e9);
    }

    double percentile(double p) {
      if (count == 0) {
        return Double.NaN;
      }
      return latenciesNanos[(int) Math.min(count - 1, Math.ceil(p / 100 * count) - 1)] / 1e6;
    }
  }

  /** The API jar as `make run` starts it, in its own JVM. */
  static final class ApiProcess implements AutoCloseable {
    final Process process;
    final long readyAfter;

    private ApiProcess(Process process, long readyAfter) {
      this.process = process;
      this.readyAfter = readyAfter;
    }

    static ApiProcess start(Path jar, int port, Map<String, String> env) throws Exception {
      // As `make run` starts it: scripts/run-api.sh execs java on the extracted jar with its
      // class-data-sharing archive (made before the clock starts, as once per build).
      ProcessBuilder pb =
          new ProcessBuilder(
              "bash", "scripts/run-api.sh", "--server.port=" + port, "--kaleem.metrics.port=0");
      pb.environment().put("API_JAR", jar.toString());
      pb.environment().putAll(env);
      pb.redirectErrorStream(true);
      pb.redirectOutput(Files.createTempFile("kaleem-api", ".log").toFile());
      long t0 = System.nanoTime();
      Process p = pb.start();
      String ready = "http://127.0.0.1:" + port + "/api/health/readiness";
      while (true) {
        if (!p.isAlive()) {
          throw new IllegalStateException("API exited with " + p.exitValue());
        }
        try {
          // As a kubelet probes: no credentials.
          if (HTTP.send(
                      HttpRequest.newBuilder(URI.create(ready))
                          .timeout(Duration.ofSeconds(10))
                          .build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode()
              == 200) {
            break;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        if (System.nanoTime() - t0 > Duration.ofMinutes(10).toNanos()) {
          p.destroyForcibly();
          throw new IllegalStateException("API not ready after 10 minutes");
        }
        Thread.sleep(25);
      }
      return new ApiProcess(p, System.nanoTime() - t0);
    }

    long rssKb() throws IOException {
      for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
      return -1;
    }

    @Override
    public void close() {
      process.destroy();
      try {
        process.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        process.destroyForcibly();
      }
    }
  }

  /** A markdown table, printed and written to bench/results/. */
  static final class Report {
    private final StringBuilder rows = new StringBuilder();
    private final List<String> notes = new ArrayList<>();

    void row(String what, String value, String comment) {
      rows.append("| ")
          .append(what)
          .append(" | ")
          .append(value)
          .append(" | ")
          .append(comment)
          .append(" |\n");
      System.out.printf("%-70s %-14s %s%n", what, value, comment);
    }

    void note(String note) {
      notes.add(note);
      System.out.println(note);
    }

    void write(Path dir, String name) throws IOException {
      Files.createDirectories(dir);
      String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
      String md =
          "# "
              + name
              + " benchmark, "
              + stamp
              + "\n\n"
              + "Machine: "
              + Runtime.getRuntime().availableProcessors()
              + " cores, Java "
              + System.getProperty("java.version")
              + "\n\n"
              + String.join("\n", notes)
              + "\n\n| measure | value | note |\n|---|---|---|\n"
              + rows;
      Files.writeString(dir.resolve(name + "-latest.md"), md);
    }
  }
}
