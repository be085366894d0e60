package io.kaleem.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Health endpoints, operator metrics and leader election. */
class OperationsTest {

  static OperatorHarness h;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void up() throws Exception {
    OperatorSettings s = OperatorHarness.testSettings();
    h =
        OperatorHarness.start(
            new OperatorSettings(
                Set.of(),
                0,
                OperatorHarness.NS,
                "kaleem-operator-leader",
                s.indexResync(),
                s.mongoTimeout(),
                s.backoffBase(),
                s.backoffMax(),
                s.rolloutPoll(),
                s.crdCheckInterval(),
                s.resync(),
                s.concurrentReconciles()),
            true);
  }

  @AfterAll
  static void down() {
    h.close();
  }

  static HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.operator.healthPort() + path))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthReadinessAndMetricsAreServed() throws Exception {
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(20)).until(() -> get("/readyz").statusCode() == 200);
    h.createMongoSecret("ops-mongo", h.mongoUri);
    h.create("ops", OperatorHarness.spec("ops"));
    h.await("ops", t -> t.getStatus() != null && t.getStatus().currentRevision != null);
    String metrics = get("/metrics").body();
    assertThat(metrics)
        .contains("kaleem_operator_tenant_reconcile_seconds")
        .contains("kaleem_operator_writes_total")
        .contains("operator_sdk_")
        .contains("jvm_memory_used_bytes");
  }

  @Test
  void reconcileLogLinesCarryTenantAndReconcileIdAndProductionLogsAreJson() throws Exception {
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.kaleem.operator");
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> captured =
        new ch.qos.logback.core.read.ListAppender<>();
    captured.start();
    logger.addAppender(captured);
    try {
      h.createMongoSecret("logs-mongo", h.mongoUri);
      h.create("logs", OperatorHarness.spec("logs"));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  List.copyOf(captured.list).stream()
                      .anyMatch(
                          e ->
                              "shop/logs".equals(e.getMDCPropertyMap().get("tenant"))
                                  && e.getMDCPropertyMap().get("reconcileId") != null));
    } finally {
      logger.detachAppender(captured);
    }

    // The production configuration (src/main/resources/logback.xml) writes JSON with both keys.
    ch.qos.logback.classic.LoggerContext ctx = new ch.qos.logback.classic.LoggerContext();
    ch.qos.logback.classic.joran.JoranConfigurator conf =
        new ch.qos.logback.classic.joran.JoranConfigurator();
    conf.setContext(ctx);
    conf.doConfigure(java.nio.file.Path.of("src/main/resources/logback.xml").toFile());
    ch.qos.logback.classic.Logger reconcilerLog =
        ctx.getLogger("io.kaleem.operator.TenantReconciler");
    @SuppressWarnings("unchecked")
    ch.qos.logback.core.OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent> json =
        (ch.qos.logback.core.OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent>)
            ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("JSON");
    ch.qos.logback.classic.spi.LoggingEvent event =
        new ch.qos.logback.classic.spi.LoggingEvent(
            OperationsTest.class.getName(),
            reconcilerLog,
            ch.qos.logback.classic.Level.INFO,
            "phase Pending -> Ready",
            null,
            null);
    event.setMDCPropertyMap(java.util.Map.of("tenant", "shop/json", "reconcileId", "abc12345"));
    byte[] encoded = json.getEncoder().encode(event);
    ctx.stop();
    String line = new String(encoded, java.nio.charset.StandardCharsets.UTF_8).trim();
    assertThat(line)
        .startsWith("{")
        .contains("\"tenant\":\"shop/json\"")
        .contains("\"reconcileId\":\"abc12345\"")
        .contains("\"message\":\"phase Pending -> Ready\"");
  }

  @Test
  void takesTheLeaderElectionLease() {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                h.client
                        .resources(Lease.class)
                        .inNamespace(OperatorHarness.NS)
                        .withName("kaleem-operator-leader")
                        .get()
                    != null);
    Lease lease =
        h.client
            .resources(Lease.class)
            .inNamespace(OperatorHarness.NS)
            .withName("kaleem-operator-leader")
            .get();
    assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();
  }
}
