package io.kaleem.operator;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (the OS {@code prometheus} package) on a free loopback port with a
 * temporary config and storage, scraping one target every second. Killed on close.
 */
public final class PrometheusProcess implements AutoCloseable {

  private final Process process;
  private final Path dir;
  public final String address;

  public static String binary(String name) {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path p = Path.of(d, name);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    for (String d : new String[] {"/usr/bin", "/usr/local/bin", "/usr/sbin"}) {
      Path p = Path.of(d, name);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new AssertionError(
        name
            + " is not installed. Run `make services-up` (it installs the Debian package"
            + " 'prometheus', which provides prometheus and promtool) or `apt-get install"
            + " prometheus`.");
  }

  public PrometheusProcess(String scrapeTarget) throws IOException, InterruptedException {
    String bin = binary("prometheus");
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
            honor_labels: true
            static_configs:
              - targets: ['%s']
        """
            .formatted(scrapeTarget));
    process =
        new ProcessBuilder(
                bin,
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    address = "http://127.0.0.1:" + port;
    HttpClient http = HttpClient.newHttpClient();
    Instant until = Instant.now().plusSeconds(60);
    while (true) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(address + "/-/ready"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
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
