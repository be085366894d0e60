package io.kaleem.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * {@code /healthz} (alive: see {@link Liveness}), {@code /readyz} (operator started, event sources
 * healthy), {@code /metrics}.
 */
public class HealthServer implements AutoCloseable {

  private final HttpServer server;

  public HealthServer(
      int port, BooleanSupplier live, BooleanSupplier ready, PrometheusMeterRegistry registry)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext(
        "/healthz",
        ex -> {
          boolean ok = live.getAsBoolean();
          send(
              ex,
              ok ? 200 : 503,
              ok ? "ok\n" : "event sources unhealthy past the grace period\n",
              "text/plain");
        });
    server.createContext(
        "/readyz",
        ex -> {
          boolean ok = ready.getAsBoolean();
          send(ex, ok ? 200 : 503, ok ? "ready\n" : "not ready\n", "text/plain");
        });
    server.createContext(
        "/metrics",
        ex -> send(ex, 200, registry.scrape(), "text/plain; version=0.0.4; charset=utf-8"));
    server.setExecutor(
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "health-http");
              t.setDaemon(true);
              return t;
            }));
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void send(HttpExchange ex, int code, String body, String type) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(code, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
