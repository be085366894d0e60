package io.kaleem.api.observability.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The management port: {@code GET /metrics} in the Prometheus text format, or OpenMetrics when the
 * scraper asks for it ({@code Accept: application/openmetrics-text}), with no token, and nothing
 * else. It is a separate listener so the public port never serves metrics and a NetworkPolicy can
 * admit Prometheus to this port alone. One thread serves it: a scrape is a few milliseconds of
 * formatting and must never take an event-loop thread from the API.
 *
 * <p>It stops after the web server (lower lifecycle phase stops later), so a scrape during a
 * graceful shutdown still gets the final counts.
 */
public final class MetricsServer implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

  private final PrometheusMeterRegistry registry;
  private final String host;
  private final int port;
  static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
  static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private volatile HttpServer server;
  private volatile ExecutorService executor;

  /** {@code registry} null (metrics export off) makes a server that never listens. */
  public MetricsServer(PrometheusMeterRegistry registry, String host, int port) {
    this.registry = registry;
    this.host = host;
    this.port = port;
  }

  @Override
  public void start() {
    if (registry == null) {
      return;
    }
    try {
      HttpServer s = HttpServer.create(new InetSocketAddress(host, port), 16);
      s.createContext("/", this::handle);
      executor =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "metrics-server");
                t.setDaemon(true);
                return t;
              });
      s.setExecutor(executor);
      s.start();
      server = s;
      log.atInfo()
          .addKeyValue("port", s.getAddress().getPort())
          .log("metrics served on the management port at /metrics");
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot listen on the management port "
              + host
              + ":"
              + port
              + " (kaleem.metrics.port): "
              + e.getMessage(),
          e);
    }
  }

  /** Never throws: the JDK server would only log it and drop the connection anyway. */
  void handle(HttpExchange ex) {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      if (!"/metrics".equals(path)) {
        reply(ex, 404, "text/plain; charset=utf-8", "not found: only /metrics is served here\n");
        return;
      }
      if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        reply(ex, 405, "text/plain; charset=utf-8", "method not allowed\n");
        return;
      }
      String accept = ex.getRequestHeaders().getFirst("Accept");
      String type =
          accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS : TEXT;
      byte[] body = registry.scrape(type).getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", type);
      if ("HEAD".equals(ex.getRequestMethod())) {
        ex.sendResponseHeaders(200, -1);
        return;
      }
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    } catch (IOException e) {
      // The scraper went away, or the server is stopping and closed the connection: nothing to
      // answer and nobody to tell; Prometheus records the failed scrape itself.
      log.debug("metrics scrape not delivered: {}", e.toString());
    } catch (RuntimeException e) {
      // A scrape must not take the server down; Prometheus records the failed scrape itself.
      log.warn("metrics scrape failed", e);
    }
  }

  private static void reply(HttpExchange ex, int status, String type, String text)
      throws IOException {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  /** The port actually bound (differs from the configured one when that is 0). */
  public int port() {
    HttpServer s = server;
    return s == null ? -1 : s.getAddress().getPort();
  }

  @Override
  public void stop() {
    HttpServer s = server;
    server = null;
    if (s != null) {
      s.stop(0);
    }
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  @Override
  public boolean isRunning() {
    return server != null;
  }

  /** Starts before, and stops after, the web server (whose graceful shutdown phase is higher). */
  @Override
  public int getPhase() {
    return Integer.MIN_VALUE + 1000;
  }
}
