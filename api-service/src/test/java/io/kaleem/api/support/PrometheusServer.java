package io.kaleem.api.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus (the OS {@code prometheus} package) on a free loopback port, scraping one
 * target's {@code /metrics} every second with the target labels the Kubernetes scrape adds ({@code
 * namespace}, {@code tenant}, {@code revision}), so tenant- and revision-scoped queries select it.
 * Killed on close.
 */
public final class PrometheusServer implements AutoCloseable {

  public static final String NAMESPACE = "kaleem-test";
  public static final String TENANT = "proof";

  /** The pod's revision label, as the Kubernetes relabelling adds it (the rollout analysis). */
  public static final String REVISION = "proof-1";

  private final Process process;
  private final Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  public final String address;

  public static String binary(String name) {
    for (String d :
        (System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/local/bin").split(":")) {
      Path p = Path.of(d.isEmpty() ? "." : d, name);
      if (!d.isEmpty() && Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new AssertionError(
        name
            + " is not installed: `apt-get install prometheus` (Debian package) provides"
            + " prometheus and promtool");
  }

  public PrometheusServer(String target) throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    dir = Files.createTempDirectory("kaleem-prometheus");
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        scrape_configs:
          - job_name: kaleem-api
            metrics_path: /metrics
            static_configs:
              - targets: ['%s']
                labels:
                  namespace: %s
                  tenant: %s
                  revision: %s
        """
            .formatted(target, NAMESPACE, TENANT, REVISION));
    process =
        new ProcessBuilder(
                binary("prometheus"),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    address = "http://127.0.0.1:" + port;
    Instant until = Instant.now().plusSeconds(60);
    while (true) {
      try {
        if (get("/-/ready").statusCode() == 200) {
          break;
        }
      } catch (IOException notYet) {
        // starting
      }
      if (!process.isAlive() || Instant.now().isAfter(until)) {
        String log = Files.readString(dir.resolve("prometheus.log"));
        close();
        throw new AssertionError("prometheus did not become ready:\n" + log);
      }
      Thread.sleep(100);
    }
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(address + path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The JSON answer of an instant query (status 200 or an AssertionError with the body). */
  public String query(String promql) throws IOException, InterruptedException {
    HttpResponse<String> r =
        get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    if (r.statusCode() != 200) {
      throw new AssertionError("Prometheus refused " + promql + ": " + r.body());
    }
    return r.body();
  }

  /** Number of successful scrapes of the target so far. */
  public int scrapes() throws IOException, InterruptedException {
    String body = query("sum(count_over_time(up{job=\"kaleem-api\"}[10m]))");
    var m = java.util.regex.Pattern.compile("\"value\":\\[[^,]+,\"([0-9.]+)\"").matcher(body);
    return m.find() ? (int) Double.parseDouble(m.group(1)) : 0;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
