package io.kaleem.api.bench;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.kaleem.api.KaleemApiApplication;
import io.kaleem.api.cache.TwoLevelCache;
import io.kaleem.api.products.ProductService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.types.ObjectId;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.mongodb.autoconfigure.MongoClientSettingsBuilderCustomizer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code bench/cache.bench.sh}: the two-level cache measured side by side in one run, on one
 * in-process MongoDB-wire server and the real Redis. (1) Zipf (s = 1.0) reads of product by id
 * through the service, cache on vs off: database queries counted by a driver command listener,
 * L1/L2 hit ratios from the cache's own counters. (2) HTTP with wrk: the product route on an
 * instance with the cache, the same route on an instance without it, and that first instance's
 * liveness route, in interleaved 2 s slices (the machine is shared: a sequential run measured
 * whoever else was busy at the time), with the CPU time of the request-serving threads per request
 * beside req/s. (3) Per-read latency of an L1 hit, an L2 hit and a miss: the JMH result of {@code
 * CacheJmh} that the script ran first. Prints a table and writes it to bench/results/. Nothing is
 * asserted.
 */
public final class CacheBenchmark {

  /** Counts find commands on products, whatever their shape. */
  static final class Finds implements CommandListener {
    static final AtomicLong PRODUCTS = new AtomicLong();

    @Override
    public void commandStarted(CommandStartedEvent e) {
      if (e.getCommandName().equals("find")
          && "products".equals(e.getCommand().getString("find").getValue())) {
        PRODUCTS.incrementAndGet();
      }
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Counting {
    @Bean
    MongoClientSettingsBuilderCustomizer countFinds() {
      return b -> b.addCommandListener(new Finds());
    }
  }

  public static void main(String[] args) throws Exception {
    Path results = Path.of(args.length > 0 ? args[0] : "bench/results");
    int products = Integer.getInteger("bench.products", 20_000);
    int reads = Integer.getInteger("bench.reads", 1_000_000);
    int uncachedReads = Integer.getInteger("bench.uncachedReads", 20_000);
    int seconds = Integer.getInteger("bench.seconds", 10);
    int l1Size = Integer.getInteger("bench.l1", 2_000);

    MongoServer mongo = new MongoServer(new MemoryBackend());
    String uri = "mongodb://127.0.0.1:" + mongo.bind().getPort();
    String db = "cache-bench";
    String prefix = "kc-bench:" + UUID.randomUUID();
    List<String> out = new ArrayList<>();
    List<ConfigurableApplicationContext> apps = new ArrayList<>();
    try {
      ConfigurableApplicationContext cached =
          start(uri, db, prefix, "kaleem.cache.l1.max-size=" + l1Size);
      apps.add(cached);
      ConfigurableApplicationContext uncached =
          start(uri, db, prefix + "-off", "kaleem.cache.enabled=false");
      apps.add(uncached);

      String merchant = new ObjectId().toHexString();
      List<String> ids = seed(uri, db, merchant, products);
      int[] zipf = zipf(products, reads, new Random(7));

      // (1) Database queries with vs without the cache, Zipf reads through the service.
      ProductService on = cached.getBean(ProductService.class);
      ProductService off = uncached.getBean(ProductService.class);
      long before = Finds.PRODUCTS.get();
      long t0 = System.nanoTime();
      drive(off, merchant, ids, zipf, uncachedReads);
      double offSec = (System.nanoTime() - t0) / 1e9;
      long offQueries = Finds.PRODUCTS.get() - before;

      before = Finds.PRODUCTS.get();
      t0 = System.nanoTime();
      drive(on, merchant, ids, zipf, reads);
      double onSec = (System.nanoTime() - t0) / 1e9;
      long onQueries = Finds.PRODUCTS.get() - before;
      var stats = cached.getBean(TwoLevelCache.class).stats();
      long l1 = stats.hits().getOrDefault("l1", Map.of()).getOrDefault("product", 0L);
      long l2 = stats.hits().getOrDefault("l2", Map.of()).getOrDefault("product", 0L);
      long miss = stats.misses().getOrDefault("product", 0L);
      double offPer1k = 1000.0 * offQueries / uncachedReads;
      double onPer1k = 1000.0 * onQueries / reads;
      out.add("## Zipf reads (s = 1.0) of product by id through the service, 32 in flight");
      out.add("");
      out.add(
          (products >= 100_000 && reads >= 1_000_000
                  ? "The issue's size: "
                  : "Scaled down from the issue's 100k products / 1M requests to ")
              + products
              + " products / "
              + reads
              + " cached reads (and "
              + uncachedReads
              + " uncached reads: without the cache every read is one query, so more of them"
              + " only take longer). L1 holds "
              + l1Size
              + " entries, so the Zipf tail goes to L2.");
      out.add("");
      out.add("| | reads | product queries | queries per 1k reads | reads/s |");
      out.add("|---|---:|---:|---:|---:|");
      out.add(row("cache off", uncachedReads, offQueries, offPer1k, uncachedReads / offSec));
      out.add(row("cache on", reads, onQueries, onPer1k, reads / onSec));
      out.add("");
      out.add(
          String.format(
              "Database queries: **%.1f %% fewer** with the cache. Hit ratios: L1 %.1f %%, L2 %.1f"
                  + " %%, miss %.1f %% (of %d reads).",
              100.0 * (1 - onPer1k / offPer1k),
              100.0 * l1 / reads,
              100.0 * l2 / reads,
              100.0 * miss / reads,
              reads));
      out.add("");

      // (2) HTTP with wrk: the cached route, the uncached route and liveness, in interleaved
      // slices, so that the other work on this shared machine weighs on every route alike; the
      // request-path CPU per request beside req/s.
      String token = adminToken(cached);
      Path paths = Files.createTempFile("zipf-paths", ".lua");
      writeWrkScript(paths, merchant, ids, zipf, token);
      Path liveness = Files.createTempFile("liveness", ".lua");
      Files.writeString(
          liveness,
          "request = function() return wrk.format('GET', '/api/health/liveness') end\n" + DONE);
      List<Route> routes =
          List.of(
              new Route("GET /api/v1/merchants/{m}/products/{id}, cache on", paths, port(cached)),
              new Route(
                  "GET /api/v1/merchants/{m}/products/{id}, cache off", paths, port(uncached)),
              new Route("GET /api/health/liveness (cache-on instance)", liveness, port(cached)));
      // Warm every JIT and both caches the same way before measuring.
      for (Route r : routes) {
        wrk(r.script(), r.port(), 3);
      }
      int slices = Math.max(1, seconds / SLICE_SECONDS);
      for (int i = 0; i < slices; i++) {
        for (Route r : routes) {
          r.measure(SLICE_SECONDS);
        }
      }
      out.add(
          "## HTTP on loopback, wrk -t1 -c32, Zipf product ids, "
              + slices
              + " interleaved slices of "
              + SLICE_SECONDS
              + " s per route");
      out.add("");
      out.add(
          "| route | req/s | request-path CPU µs per req | P50 ms | P95 ms | P99 ms | non-2xx |"
              + " wrk timeouts (> 2 s) |");
      out.add("|---|---:|---:|---:|---:|---:|---:|---:|");
      for (Route r : routes) {
        out.add(r.row());
      }
      out.add("");
      Route hit = routes.get(0);
      Route base = routes.get(1);
      Route live = routes.get(2);
      out.add(
          String.format(
              "Cached vs uncached: **%.1fx** req/s, %.1fx less request-path CPU per request;"
                  + " cached vs liveness: **%.0f %%** of its req/s, its request-path CPU per"
                  + " request is %.1fx liveness's.",
              hit.rate() / base.rate(),
              base.cpuPerRequest() / hit.cpuPerRequest(),
              100 * hit.rate() / live.rate(),
              hit.cpuPerRequest() / live.cpuPerRequest()));
      out.add("");
      out.add(
          "Latency columns are the median over the slices of each slice's wrk percentile."
              + " Request-path CPU: CPU time of this JVM's threads that serve requests (HTTP event"
              + " loops, Lettuce, the MongoDB driver and the in-process MongoDB-wire server,"
              + " Reactor's parallel scheduler) over each route's slices, divided by its requests;"
              + " GC, JIT and background tasks are left out, as are Redis and wrk (other"
              + " processes). On this shared machine req/s mostly measures the CPU share this JVM"
              + " got; CPU per request is the steadier comparison.");
      out.add("");

      // (3) Per-read latency: the JMH run of CacheJmh that bench/cache.bench.sh made first.
      out.addAll(jmhTable(System.getProperty("bench.jmh")));
    } finally {
      for (var app : apps) {
        app.close();
      }
      mongo.shutdownNow();
    }
    String table = String.join("\n", out) + "\n";
    System.out.println(table);
    Files.createDirectories(results);
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    String doc =
        "# Cache benchmark "
            + stamp
            + "\n\nEmbedded MongoDB-wire server (in memory), real Redis on 127.0.0.1:6379,"
            + " both instances in one JVM on this 2-core shared machine (load average at the"
            + " start: "
            + loadAverage()
            + ").\n\n"
            + table;
    Files.writeString(results.resolve("cache-latest.md"), doc);
    System.exit(0);
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  static ConfigurableApplicationContext start(
      String uri, String db, String prefix, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--spring.mongodb.uri=" + uri,
                "--spring.mongodb.database=" + db,
                "--kaleem.security.jwt.dev-key-file=",
                "--kaleem.security.jwt.jwk-set=" + ApiBenchmark.JWKS,
                "--kaleem.security.demo-users.enabled=false",
                "--kaleem.security.rate-limit.key-prefix=rl-" + prefix,
                "--kaleem.security.rate-limit.plans.platform=1000000000",
                "--kaleem.cache.key-prefix=" + prefix,
                "--kaleem.cache.warming.at-startup=false",
                "--logging.level.root=WARN"));
    for (String e : extra) {
      args.add("--" + e);
    }
    return new SpringApplicationBuilder(KaleemApiApplication.class, Counting.class)
        .run(args.toArray(String[]::new));
  }

  static int port(ConfigurableApplicationContext app) {
    return ((WebServerApplicationContext) app).getWebServer().getPort();
  }

  static String adminToken(ConfigurableApplicationContext app) {
    return ApiBenchmark.mint();
  }

  static List<String> seed(String uri, String db, String merchant, int n) {
    try (MongoClient client = MongoClients.create(uri)) {
      var products = client.getDatabase(db).getCollection("products");
      // The product read is {_id, merchantId}. MongoDB answers it from the _id index; the
      // in-memory wire server uses an index only when its keys are exactly the query's, and
      // otherwise scans the collection (a scan of n documents per uncached read, which would
      // make "cache off" n-dependent and flatter the cache). This index, trivially unique, gives
      // the wire server MongoDB's point lookup.
      Mono.from(
              products.createIndex(
                  new org.bson.Document("_id", 1).append("merchantId", 1),
                  new com.mongodb.client.model.IndexOptions().unique(true)))
          .block();
      ApiBenchmark.seed(products, new ObjectId(merchant), n);
      List<String> ids = new ArrayList<>(n);
      Flux.from(
              client
                  .getDatabase(db)
                  .getCollection("products")
                  .find(new org.bson.Document("merchantId", merchant))
                  .projection(new org.bson.Document("_id", 1)))
          .map(d -> d.getObjectId("_id").toHexString())
          .toIterable()
          .forEach(ids::add);
      return ids;
    }
  }

  /** {@code count} ranks in [0, n) drawn from Zipf(s = 1.0) by inverse CDF. */
  static int[] zipf(int n, int count, Random random) {
    double[] cdf = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += 1.0 / (i + 1);
      cdf[i] = sum;
    }
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      double u = random.nextDouble() * sum;
      int k = Arrays.binarySearch(cdf, u);
      out[i] = k >= 0 ? k : -k - 1;
    }
    return out;
  }

  static void drive(ProductService service, String merchant, List<String> ids, int[] zipf, int n) {
    Flux.range(0, n)
        .flatMap(
            i ->
                service
                    .get(merchant, ids.get(zipf[i % zipf.length]))
                    .timeout(java.time.Duration.ofSeconds(30))
                    .onErrorResume(e -> Mono.empty()),
            32)
        .blockLast();
  }

  static final int SLICE_SECONDS = 2;

  /** One measured route: its wrk slices summed (requests, time, this JVM's CPU). */
  static final class Route {
    private final String name;
    private final Path script;
    private final int port;
    private long requests;
    private double seconds;
    private long cpuNanos;
    private double non2xx;
    private double timeouts;
    private final List<double[]> slices = new ArrayList<>();

    Route(String name, Path script, int port) {
      this.name = name;
      this.script = script;
      this.port = port;
    }

    Path script() {
      return script;
    }

    int port() {
      return port;
    }

    void measure(int sliceSeconds) throws Exception {
      long cpu0 = requestPathCpuNanos();
      double[] r = wrk(script, port, sliceSeconds);
      cpuNanos += requestPathCpuNanos() - cpu0;
      requests += (long) r[6];
      seconds += r[7];
      non2xx += r[4];
      timeouts += r[5];
      slices.add(r);
    }

    double rate() {
      return requests / seconds;
    }

    /** Microseconds of request-path CPU per request. */
    double cpuPerRequest() {
      return cpuNanos / 1e3 / requests;
    }

    private double median(int column) {
      double[] v = slices.stream().mapToDouble(s -> s[column]).sorted().toArray();
      return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    String row() {
      return String.format(
          "| %s | %.0f | %.0f | %.2f | %.2f | %.2f | %.0f | %.0f |",
          name, rate(), cpuPerRequest(), median(1), median(2), median(3), non2xx, timeouts);
    }
  }

  /** Threads that do a request's work (see the note under the HTTP table). */
  static final List<String> REQUEST_THREADS =
      List.of(
          "reactor-http-",
          "lettuce-",
          "multiThreadIoEventLoopGroup-",
          "nioEventLoopGroup-",
          "mongo-server-",
          "parallel-");

  /** CPU time so far of the live request-path threads. */
  static long requestPathCpuNanos() {
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (java.lang.management.ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (t != null && REQUEST_THREADS.stream().anyMatch(t.getThreadName()::startsWith)) {
        sum += Math.max(0, threads.getThreadCpuTime(t.getThreadId()));
      }
    }
    return sum;
  }

  static final String DONE =
      "done = function(summary, latency, requests)\n"
          + "  io.write(string.format('RESULT %d %d %d %d %d %d %d\\n', summary.requests,"
          + " summary.duration, latency:percentile(50), latency:percentile(95),"
          + " latency:percentile(99), summary.errors.status, summary.errors.timeout))\n"
          + "end\n";

  static void writeWrkScript(Path file, String merchant, List<String> ids, int[] zipf, String token)
      throws Exception {
    StringBuilder lua = new StringBuilder("local paths = {\n");
    for (int i = 0; i < 20_000; i++) {
      lua.append("'/api/v1/merchants/")
          .append(merchant)
          .append("/products/")
          .append(ids.get(zipf[i]))
          .append("',\n");
    }
    lua.append("}\nlocal i = 0\n")
        .append("wrk.headers['Authorization'] = 'Bearer ")
        .append(token)
        .append("'\n")
        .append("request = function()\n  i = i % #paths + 1\n")
        .append("  return wrk.format('GET', paths[i])\nend\n")
        .append(DONE);
    Files.writeString(file, lua.toString(), StandardCharsets.UTF_8);
  }

  /** req/s, P50, P95, P99 (ms), non-2xx, timeouts, requests, seconds. */
  static double[] wrk(Path script, int port, int seconds) throws Exception {
    Process p =
        new ProcessBuilder(
                "wrk",
                "-t1",
                "-c32",
                "-d" + seconds + "s",
                "-s",
                script.toString(),
                "http://127.0.0.1:" + port)
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    String line =
        output
            .lines()
            .filter(s -> s.startsWith("RESULT "))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("wrk said: " + output));
    long[] v =
        Arrays.stream(line.substring(7).trim().split(" ")).mapToLong(Long::parseLong).toArray();
    return new double[] {
      v[0] / (v[1] / 1e6), v[2] / 1000.0, v[3] / 1000.0, v[4] / 1000.0, v[5], v[6], v[0], v[1] / 1e6
    };
  }

  /** The sample-time percentiles of CacheJmh's JSON result, as a table. */
  static List<String> jmhTable(String file) throws java.io.IOException {
    List<String> out = new ArrayList<>();
    out.add("## One read through the cache, JMH (`CacheJmh`, sample time, 1 fork, 5 x 2 s)");
    out.add("");
    if (file == null || !Files.exists(Path.of(file))) {
      out.add("No JMH result (" + file + "): run through bench/cache.bench.sh.");
      out.add("");
      return out;
    }
    tools.jackson.databind.JsonNode results =
        tools.jackson.databind.json.JsonMapper.builder()
            .build()
            .readTree(Files.readString(Path.of(file)));
    out.add("| read | samples | mean µs | P50 µs | P99 µs | P99.9 µs |");
    out.add("|---|---:|---:|---:|---:|---:|");
    Map<String, String> names =
        Map.of(
            "l1Hit", "L1 hit",
            "l2Hit", "L2 hit (Redis GET on loopback + Smile decode)",
            "miss", "miss (L2 GET finds nothing + in-memory loader + encode + L2 fill sent)");
    Map<String, tools.jackson.databind.JsonNode> byName = new java.util.HashMap<>();
    for (tools.jackson.databind.JsonNode r : results) {
      String bench = r.get("benchmark").asString();
      byName.put(bench.substring(bench.lastIndexOf('.') + 1), r);
    }
    for (String name : List.of("l1Hit", "l2Hit", "miss")) {
      tools.jackson.databind.JsonNode r = byName.get(name);
      if (r == null) {
        out.add("| " + names.get(name) + " | no result: see the JMH output | | | | |");
        continue;
      }
      tools.jackson.databind.JsonNode m = r.get("primaryMetric");
      tools.jackson.databind.JsonNode p = m.get("scorePercentiles");
      out.add(
          String.format(
              "| %s | %d | %.1f | %.1f | %.1f | %.1f |",
              names.get(name),
              sampleCount(m),
              m.get("score").asDouble(),
              p.get("50.0").asDouble(),
              p.get("99.0").asDouble(),
              p.get("99.9").asDouble()));
    }
    out.add("");
    out.add("Target: L1 hit P99 < 50 µs.");
    out.add("");
    return out;
  }

  static long sampleCount(tools.jackson.databind.JsonNode metric) {
    long n = 0;
    // [fork][iteration][bucket] = [value, count]
    for (tools.jackson.databind.JsonNode fork : metric.path("rawDataHistogram")) {
      for (tools.jackson.databind.JsonNode iteration : fork) {
        for (tools.jackson.databind.JsonNode bucket : iteration) {
          n += bucket.get(1).asLong();
        }
      }
    }
    return n;
  }

  static String row(String name, long reads, long queries, double per1k, double rate) {
    return String.format("| %s | %d | %d | %.1f | %.0f |", name, reads, queries, per1k, rate);
  }
}
