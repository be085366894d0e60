package io.kaleem.api.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.KaleemApiApplication;
import io.kaleem.api.security.AccessTokenIssuer;
import io.kaleem.api.security.AuthenticatedUser;
import io.kaleem.api.security.JwtKeys;
import io.kaleem.api.security.Role;
import io.kaleem.api.security.SecurityProperties;
import io.kaleem.crds.metrics.MetricNames;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real application in a child JVM whose stdout is a pipe: first nobody reads it (the log
 * collector stalled; the 64 KiB pipe buffer fills within a few hundred lines), then it is read,
 * then it is closed (the collector went away). Requests, health probes included, complete through
 * all three, and the drops are counted by reason in {@code log_events_dropped_total} and reported
 * by the periodic WARN line.
 */
class StalledStdoutTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration GENEROUS = Duration.ofSeconds(60);

  private Process child;

  @AfterEach
  void stopChild() throws InterruptedException {
    if (child != null) {
      child.destroy();
      if (!child.waitFor(60, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
    }
  }

  @Test
  void requestsCompleteWhetherStdoutIsStalledReadOrClosedAndDropsAreCounted() throws Exception {
    Path dir = Files.createTempDirectory("stalled-stdout");
    Path keyFile = dir.resolve("jwks.json");
    SecurityProperties security =
        new Binder(
                new MapConfigurationPropertySource(
                    Map.of("kaleem.security.jwt.dev-key-file", keyFile.toString())))
            .bindOrCreate("kaleem.security", SecurityProperties.class);
    // Written here, read by the child: the test can mint a platform admin's token for it.
    String admin =
        "Bearer "
            + new AccessTokenIssuer(JwtKeys.from(security.jwt()), security, Clock.systemUTC())
                .issue(
                    new AuthenticatedUser(
                        new ObjectId().toHexString(), Role.PLATFORM_ADMIN, null, null));
    int port = freePort();
    ProcessBuilder builder =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx384m",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            KaleemApiApplication.class.getName(),
            "--server.port=" + port,
            "--kaleem.mongo.embedded.data-file=",
            "--kaleem.mongo.embedded.demo-data=false",
            "--kaleem.security.demo-users.enabled=false",
            "--kaleem.security.jwt.dev-key-file=" + keyFile,
            "--kaleem.security.rate-limit.key-prefix=rl-test:" + UUID.randomUUID(),
            "--kaleem.security.rate-limit.anonymous=1000000",
            "--management.endpoints.web.exposure.include=health,metrics",
            "--kaleem.logging.dropped-report-interval=1s");
    builder.environment().put("KALEEM_LOG_QUEUE_SIZE", "256");
    builder.redirectErrorStream(false);
    builder.redirectError(dir.resolve("stderr.txt").toFile());
    // stdout stays a pipe (the default) that nothing reads until phase 2.
    child = builder.start();

    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    String base = "http://127.0.0.1:" + port;
    awaitReady(http, base);

    // Phase 1: stdout stalled. Every request completes; lines that do not fit are dropped.
    List<Integer> statuses = load(http, base, admin, 2000);
    assertThat(statuses).hasSize(2000).allMatch(s -> s == 200);
    assertThat(dropped(http, base, admin, "queue_full")).isPositive();

    // Phase 2: the collector reads again: the periodic WARN says what was lost; every line that
    // was written, under congestion too, is one JSON object.
    LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    AtomicBoolean closeWhenSeen = new AtomicBoolean();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while (!closeWhenSeen.get() && (line = in.readLine()) != null) {
                  lines.add(line);
                }
              } catch (IOException e) {
                lines.add("reader failed: " + e);
              }
            },
            "child-stdout-reader");
    reader.setDaemon(true);
    reader.start();
    JsonNode report = null;
    long deadline = System.nanoTime() + GENEROUS.toNanos();
    while (report == null && System.nanoTime() < deadline) {
      String line = lines.poll(1, TimeUnit.SECONDS);
      if (line == null) {
        continue;
      }
      JsonNode node = JSON.readTree(line);
      if (node.path("message").asString("").startsWith("log lines dropped")) {
        report = node;
      }
    }
    assertThat(report).as("a WARN line reporting the drops").isNotNull();
    assertThat(report.path("level").asString()).isEqualTo("WARN");
    assertThat(report.path("droppedLines").asLong()).isPositive();
    assertThat(report.path("droppedQueueFullTotal").asLong()).isPositive();
    for (String line : lines) {
      assertThat(JSON.readTree(line).isObject()).as(line).isTrue();
    }

    // Phase 3: the collector goes away: the reader closes the pipe at its next line.
    closeWhenSeen.set(true);
    load(http, base, admin, 20);
    reader.join(GENEROUS.toMillis());
    assertThat(reader.isAlive()).isFalse();
    statuses = load(http, base, admin, 300);
    assertThat(statuses).hasSize(300).allMatch(s -> s == 200);
    long writeFailed = 0;
    deadline = System.nanoTime() + GENEROUS.toNanos();
    while (writeFailed == 0 && System.nanoTime() < deadline) {
      writeFailed = dropped(http, base, admin, "write_failed");
      Thread.sleep(200);
    }
    assertThat(writeFailed).isPositive();
    assertThat(child.isAlive()).isTrue();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private void awaitReady(HttpClient http, String base) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(child.isAlive()).as("the child JVM exited during start-up").isTrue();
      try {
        var response =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/api/health/readiness"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the child did not become ready in 3 minutes");
  }

  /** {@code count} requests from 16 client threads: health probes and an authenticated list. */
  private static List<Integer> load(HttpClient http, String base, String admin, int count)
      throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(16);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        HttpRequest request =
            i % 2 == 0
                ? HttpRequest.newBuilder(URI.create(base + "/api/health/liveness"))
                    .timeout(GENEROUS)
                    .build()
                : HttpRequest.newBuilder(URI.create(base + "/api/v1/plans"))
                    .header("Authorization", admin)
                    .timeout(GENEROUS)
                    .build();
        results.add(
            clients.submit(
                () -> http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()));
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> f : results) {
        statuses.add(f.get(GENEROUS.toSeconds(), TimeUnit.SECONDS));
      }
      return statuses;
    } finally {
      clients.shutdownNow();
    }
  }

  /** The child's dropped-line counter for {@code reason}, all levels, from its metrics endpoint. */
  private static long dropped(HttpClient http, String base, String admin, String reason)
      throws Exception {
    var response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        base
                            + "/api/metrics/"
                            + MetricNames.LOG_EVENTS_DROPPED
                            + "?tag="
                            + MetricNames.LABEL_REASON
                            + ":"
                            + reason))
                .header("Authorization", admin)
                .timeout(GENEROUS)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return (long)
        JSON.readTree(response.body()).path("measurements").get(0).path("value").asDouble();
  }
}
