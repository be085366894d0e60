package io.kaleem.operator;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the API's request and error metrics for some revisions of a tenant, the way the API's
 * /actuator/prometheus would after relabelling (namespace, tenant and revision labels): 20 requests
 * per second per revision, all faster than 100 ms, with a configurable error share.
 */
public final class TestExporter implements AutoCloseable {

  private final HttpServer server;
  private final Map<String, Double> errorShare = new ConcurrentHashMap<>();
  private final Map<String, Long> since = new ConcurrentHashMap<>();
  private final String namespace;
  private final String tenant;

  public TestExporter(String namespace, String tenant) throws IOException {
    this.namespace = namespace;
    this.tenant = tenant;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/metrics",
        ex -> {
          byte[] b = render().getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
          ex.sendResponseHeaders(200, b.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
          }
        });
    server.start();
  }

  public String target() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  public void serve(String revision, double errors) {
    since.putIfAbsent(revision, System.currentTimeMillis());
    errorShare.put(revision, errors);
  }

  private String render() {
    StringBuilder out = new StringBuilder();
    out.append("# TYPE http_request_duration_seconds histogram\n");
    out.append("# TYPE http_errors_total counter\n");
    long now = System.currentTimeMillis();
    errorShare.forEach(
        (rev, share) -> {
          double requests = (now - since.get(rev)) / 1000.0 * 20;
          String l =
              "namespace=\"%s\",tenant=\"%s\",revision=\"%s\",method=\"GET\",route=\"/api/products\""
                  .formatted(namespace, tenant, rev);
          for (String le : new String[] {"0.1", "0.5", "1", "+Inf"}) {
            out.append(
                String.format(
                    Locale.ROOT,
                    "http_request_duration_seconds_bucket{%s,le=\"%s\"} %.1f%n",
                    l,
                    le,
                    requests));
          }
          out.append(
              String.format(
                  Locale.ROOT, "http_request_duration_seconds_count{%s} %.1f%n", l, requests));
          out.append(
              String.format(
                  Locale.ROOT, "http_request_duration_seconds_sum{%s} %.3f%n", l, requests * 0.05));
          out.append(
              String.format(
                  Locale.ROOT,
                  "http_errors_total{%s,status_code=\"500\",error_type=\"internal\"} %.1f%n",
                  l,
                  requests * share));
        });
    return out.toString();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
