package io.kaleem.api.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.kaleem.api.messaging.EventType;
import io.kaleem.api.messaging.MessagingBenchAccess;
import io.kaleem.api.security.Role;
import io.kaleem.api.support.CommerceFixtures;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.MessagingApp;
import io.kaleem.api.support.MessagingTestSupport;
import io.kaleem.api.support.StandaloneApp;
import io.kaleem.api.support.WsClient;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Flux;

/**
 * `bench/messaging.bench.sh`: events end to end (HTTP request to a consumer on the real RabbitMQ),
 * relay drain rate of a 10k backlog, and WebSocket fan-out to 1,000 clients of one instance. Prints
 * a Markdown table and writes it to bench/results.
 */
public final class MessagingBench {

  static final Pattern REQUEST_ID = Pattern.compile("\"requestId\":\"(bench-[0-9]+)\"");
  static final Pattern EVENT_ID = Pattern.compile("\"id\":\"([0-9a-f]{24})\"");

  public static void main(String[] args) throws Exception {
    Path results = Path.of(args.length > 0 ? args[0] : "bench/results");
    int orders = Integer.getInteger("bench.orders", 2000);
    int backlog = Integer.getInteger("bench.backlog", 10_000);
    int clients = Integer.getInteger("bench.clients", 1000);
    int fanoutEvents = Integer.getInteger("bench.fanoutEvents", 20);
    MessagingTestSupport.requireBroker();
    StringBuilder md = new StringBuilder();
    md.append("# Messaging benchmark ").append(Instant.now()).append("\n\n");
    md.append("Real RabbitMQ on loopback; API in-process (embedded MongoDB-wire server); 2 shared")
        .append(" CPU cores.\n\n| measure | value |\n|---|---|\n");

    // A quick look at one part: -Dbench.phases=drain (or e2e, fanout), comma-separated.
    List<String> phases =
        List.of(System.getProperty("bench.phases", "drain,e2e,fanout").split(","));
    row(md, "load average (1 min) at start", String.format("%.1f", loadAverage()));
    if (phases.contains("drain")) {
      String drainExchange = "kaleem-bench-drain-" + UUID.randomUUID();
      try (StandaloneApp app =
          MessagingApp.start(
              drainExchange,
              MessagingTestSupport.BROKER_URL,
              "logging.level.root=WARN",
              "kaleem.messaging.relay.enabled=false")) {
        drain(app, backlog, md);
      }
      System.out.println(md);
    }
    String exchange = "kaleem-bench-" + UUID.randomUUID();
    try (StandaloneApp app =
        MessagingApp.start(exchange, MessagingTestSupport.BROKER_URL, "logging.level.root=WARN")) {
      if (phases.contains("e2e")) {
        endToEnd(app, exchange, orders, md);
        System.out.println(md);
      }
      if (phases.contains("fanout")) {
        try {
          fanOut(app, clients, fanoutEvents, md);
        } catch (RuntimeException e) {
          row(md, "fan-out: FAILED", e.getMessage());
        }
      }
    }
    System.out.println(md);
    Files.createDirectories(results);
    Files.writeString(results.resolve("messaging-latest.md"), md.toString());
    System.exit(0);
  }

  /** Orders over HTTP, 16 in flight; each order.created timed from request sent to consumed. */
  static void endToEnd(StandaloneApp app, String exchange, int n, StringBuilder md)
      throws Exception {
    var http = app.http.mutate().responseTimeout(Duration.ofSeconds(60)).build();
    ReactiveMongoTemplate mongo = app.bean(ReactiveMongoTemplate.class);
    Fixtures fixtures = new Fixtures(http, mongo);
    CommerceFixtures commerce = new CommerceFixtures(http, mongo);
    String merchant = fixtures.merchant();
    String customer = commerce.customer("Bench Customer");
    String product = (String) fixtures.product(merchant, "BENCH-1", "1.00", 1_000_000).get("id");
    String admin = MessagingApp.bearer(app, Role.PLATFORM_ADMIN, null, null);
    int port = MessagingApp.port(app);

    long[] sent = new long[n];
    long[] received = new long[n];
    CountDownLatch all = new CountDownLatch(n);
    ConnectionFactory f = new ConnectionFactory();
    f.setHost(MessagingTestSupport.HOST);
    try (Connection c = f.newConnection("kaleem-bench")) {
      Channel ch = c.createChannel();
      String q = ch.queueDeclare().getQueue();
      ch.queueBind(q, exchange, "order.created");
      ch.basicConsume(
          q,
          true,
          (tag, d) -> {
            long now = System.nanoTime();
            Matcher m = REQUEST_ID.matcher(new String(d.getBody(), StandardCharsets.UTF_8));
            if (m.find()) {
              int i = Integer.parseInt(m.group(1).substring("bench-".length()));
              if (received[i] == 0) {
                received[i] = now;
                all.countDown();
              }
            }
          },
          tag -> {});
      HttpClient client = HttpClient.newHttpClient();
      String body =
          "{\"customerId\":\""
              + customer
              + "\",\"items\":[{\"productId\":\""
              + product
              + "\",\"quantity\":1}]}";
      Semaphore inFlight = new Semaphore(16);
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        inFlight.acquire();
        int k = i;
        sent[k] = System.nanoTime();
        client
            .sendAsync(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + port
                                + "/api/v1/merchants/"
                                + merchant
                                + "/orders"))
                    .header("Authorization", admin)
                    .header("Content-Type", "application/json")
                    .header("X-Request-Id", "bench-" + k)
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.discarding())
            .whenComplete((r, e) -> inFlight.release());
      }
      if (!all.await(5, TimeUnit.MINUTES)) {
        throw new IllegalStateException("only " + (n - all.getCount()) + " of " + n + " consumed");
      }
      long end = Arrays.stream(received).max().orElseThrow();
      long[] lat = new long[n];
      for (int i = 0; i < n; i++) {
        lat[i] = received[i] - sent[i];
      }
      Arrays.sort(lat);
      double seconds = (end - start) / 1e9;
      row(md, "end to end: orders placed and consumed", n);
      row(md, "end to end: events/s (request → consumer)", String.format("%.0f", n / seconds));
      row(md, "end to end: P50 latency", ms(lat[n / 2]));
      row(md, "end to end: P95 latency", ms(lat[(int) (n * 0.95)]));
    }
  }

  /** {@code clients} sessions of one merchant; product updates timed to every session. */
  static void fanOut(StandaloneApp app, int clients, int events, StringBuilder md)
      throws Exception {
    var http = app.http.mutate().responseTimeout(Duration.ofSeconds(60)).build();
    ReactiveMongoTemplate mongo = app.bean(ReactiveMongoTemplate.class);
    Fixtures fixtures = new Fixtures(http, mongo);
    String merchant = fixtures.merchant();
    int port = MessagingApp.port(app);
    long heapBefore = heapAfterGc();
    List<WsClient> sessions = new ArrayList<>();
    Map<String, long[]> arrivals = new ConcurrentHashMap<>();
    for (int i = 0; i < clients; i++) {
      WsClient c =
          WsClient.connect(
              port,
              MessagingApp.bearer(
                  app, Role.MERCHANT_STAFF, new ObjectId().toHexString(), merchant));
      int k = i;
      c.listener =
          m -> {
            if (m.contains("\"type\":\"product.created\"")) {
              Matcher id = EVENT_ID.matcher(m);
              if (id.find()) {
                arrivals.computeIfAbsent(id.group(1), x -> new long[clients])[k] =
                    System.nanoTime();
              }
            }
          };
      sessions.add(c);
    }
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (sessions.stream().filter(WsClient::ready).count() < clients) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("sessions did not all become ready");
      }
      Thread.sleep(100);
    }
    long heapAfter = heapAfterGc();
    List<Long> perClient = new ArrayList<>();
    List<Long> toAll = new ArrayList<>();
    long cpu0 = processCpuNanos();
    for (int e = 0; e < events; e++) {
      int before = arrivals.size();
      long t0 = System.nanoTime();
      MessagingBenchAccess.outboxEvent(
              app,
              EventType.PRODUCT_CREATED,
              merchant,
              new ObjectId().toHexString(),
              Map.of("sku", "FAN-" + e, "stock", 1))
          .block();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      String id = null;
      while (System.nanoTime() < until) {
        if (arrivals.size() > before) {
          id =
              arrivals.keySet().stream()
                  .filter(k -> !measured.contains(k))
                  .findFirst()
                  .orElse(null);
        }
        if (id != null && Arrays.stream(arrivals.get(id)).allMatch(x -> x != 0)) {
          break;
        }
        Thread.sleep(2);
      }
      if (id == null) {
        throw new IllegalStateException("event " + e + " reached no client");
      }
      long[] at = arrivals.get(id);
      long max = 0;
      for (long a : at) {
        if (a == 0) {
          throw new IllegalStateException("event " + e + " missed a client");
        }
        perClient.add(a - t0);
        max = Math.max(max, a - t0);
      }
      toAll.add(max);
      measured.add(id);
    }
    double cpuMs = (processCpuNanos() - cpu0) / 1e6;
    sessions.forEach(WsClient::close);
    perClient.sort(Long::compare);
    toAll.sort(Long::compare);
    row(md, "fan-out: connected clients (one instance)", clients);
    row(md, "fan-out: events", events);
    row(md, "fan-out: P95 event → each client", ms(perClient.get((int) (perClient.size() * 0.95))));
    row(
        md,
        "fan-out: P95 event → all clients",
        ms(toAll.get(Math.min(toAll.size() - 1, (int) (toAll.size() * 0.95)))));
    row(
        md,
        "fan-out: CPU per event to all clients (server + clients in one JVM, upper bound)",
        String.format("%.1f ms", cpuMs / events));
    row(
        md,
        "fan-out: heap per connection (server + client in one JVM, upper bound)",
        String.format("%.1f KiB", (heapAfter - heapBefore) / 1024.0 / clients));
  }

  /** Fan-out event ids already measured. */
  static final java.util.Set<String> measured = ConcurrentHashMap.newKeySet();

  /** {@code n} events recorded with the relay off, then one drain timed. */
  static void drain(StandaloneApp app, int n, StringBuilder md) {
    String merchant = new ObjectId().toHexString();
    Flux.range(0, n)
        .flatMap(
            i ->
                MessagingBenchAccess.outboxEvent(
                    app,
                    EventType.PRODUCT_CHANGED,
                    merchant,
                    new ObjectId().toHexString(),
                    Map.of("sku", "DRAIN-" + i, "stock", i)),
            64)
        .blockLast();
    long depth = MessagingBenchAccess.depth(app);
    long cpu0 = processCpuNanos();
    long t0 = System.nanoTime();
    int sent = MessagingBenchAccess.drain(app);
    double seconds = (System.nanoTime() - t0) / 1e9;
    double cpuSeconds = (processCpuNanos() - cpu0) / 1e9;
    row(md, "relay: backlog", depth);
    row(md, "relay: events confirmed in the drain", sent);
    row(
        md,
        "relay: drain rate (events/s, confirmed and marked)",
        String.format("%.0f", sent / seconds));
    // Load-independent: what one drained event costs this process (relay, binder, the
    // in-process MongoDB-wire server and this replica's own live-update consumer; the broker
    // is another process). 2 cores / this cost = the rate a quiet 2-core machine could reach.
    row(
        md,
        "relay: CPU per event (API process, all threads)",
        String.format("%.0f µs", cpuSeconds * 1e6 / sent));
    row(
        md,
        "relay: events per CPU-second of the API process",
        String.format("%.0f", sent / cpuSeconds));
  }

  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static String ms(long nanos) {
    return String.format("%.1f ms", nanos / 1e6);
  }

  static void row(StringBuilder md, String name, Object value) {
    md.append("| ").append(name).append(" | ").append(value).append(" |\n");
  }

  private MessagingBench() {}
}
