package io.kaleem.operator;

import static io.kaleem.operator.OperatorHarness.NS;
import static io.kaleem.operator.OperatorHarness.condition;
import static io.kaleem.operator.OperatorHarness.phase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.crds.v1alpha1.KaleemTenantStatus.Phase;
import io.kaleem.operator.rollout.AnalysisProviders;
import io.kaleem.operator.status.Conditions;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rollout analysis against a real Prometheus server scraping a test exporter. The endpoint is
 * named in the operator's configuration; the spec only names it.
 */
class PrometheusAnalysisRollbackTest {

  static OperatorHarness h;
  static TestExporter exporter;
  static PrometheusProcess prometheus;
  static int closedPort;

  @BeforeAll
  static void up() throws Exception {
    exporter = new TestExporter(NS, "ana");
    prometheus = new PrometheusProcess(exporter.target());
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    h =
        OperatorHarness.start(
            OperatorOptions.defaults()
                .withAnalysisProviders(
                    AnalysisProviders.parse(
                        "test=" + prometheus.address + ",down=http://127.0.0.1:" + closedPort)));
  }

  @AfterAll
  static void down() {
    if (h != null) {
      h.close();
    }
    if (prometheus != null) {
      prometheus.close();
    }
    if (exporter != null) {
      exporter.close();
    }
  }

  static KaleemTenantSpec.Analysis analysis(String provider) {
    KaleemTenantSpec.Analysis a = new KaleemTenantSpec.Analysis();
    a.provider = provider;
    a.window = "5s";
    a.interval = "1s";
    a.minSamples = 20;
    return a;
  }

  @Test
  void healthyRevisionIsPromotedAndOneWithHighErrorRateIsRolledBack() {
    h.createMongoSecret("ana-mongo", h.mongoUri);
    KaleemTenantSpec spec = OperatorHarness.spec("ana");
    spec.api.autoscaling.enabled = false;
    spec.rollout.stabilizationSeconds = 4;
    spec.rollout.analysis = analysis("test");
    h.create("ana", spec);
    String r1 =
        h.await("ana", t -> t.getStatus() != null && t.getStatus().currentRevision != null)
            .getStatus()
            .currentRevision;
    exporter.serve(r1, 0.0);
    h.await("ana", t -> h.deployment("ana") != null && revisionOf("ana").equals(r1));
    h.markAvailable("ana");
    KaleemTenant good =
        h.await("ana", t -> r1.equals(t.getStatus().lastGoodRevision), Duration.ofSeconds(60));
    assertThat(good.getStatus().phase).isEqualTo(Phase.Ready);
    assertThat(good.getStatus().analysis.phase).isEqualTo("Passed");

    h.editSpec(
        "ana",
        s -> {
          s.api.image = "ghcr.io/kaleem/api:1.1.0";
          s.rollout.stabilizationSeconds = 120;
        });
    String r2 =
        h.await("ana", t -> !r1.equals(t.getStatus().currentRevision)).getStatus().currentRevision;
    exporter.serve(r2, 0.4);
    h.await("ana", t -> revisionOf("ana").equals(r2));
    h.markAvailable("ana");
    KaleemTenant rolledBack = h.await("ana", phase(Phase.RolledBack), Duration.ofSeconds(60));
    assertThat(rolledBack.getStatus().rollbackHistory)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.from).isEqualTo(r2);
              assertThat(r.to).isEqualTo(r1);
              assertThat(r.reason)
                  .startsWith("analysis failed: error rate ")
                  .contains("(max 0.05)")
                  .hasSizeLessThanOrEqualTo(512);
              double measured =
                  Double.parseDouble(
                      r.reason.substring("analysis failed: error rate ".length()).split(" ")[0]);
              assertThat(measured)
                  .as("error share served by the exporter")
                  .isCloseTo(0.4, within(0.05));
            });
    assertThat(rolledBack.getStatus().analysis.failures)
        .as("failureLimit 2: the third failed measurement fails the revision")
        .isEqualTo(3);
    h.await("ana", t -> revisionOf("ana").equals(r1));
    assertThat(
            h.deployment("ana").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("ghcr.io/kaleem/api:1.0.0");
  }

  @Test
  void noDataIsInconclusiveAndNeverPromotes() {
    h.createMongoSecret("quiet-mongo", h.mongoUri);
    KaleemTenantSpec spec = OperatorHarness.spec("quiet");
    spec.api.autoscaling.enabled = false;
    spec.rollout.stabilizationSeconds = 1;
    spec.rollout.analysis = analysis("test");
    h.create("quiet", spec);
    h.await("quiet", t -> h.deployment("quiet") != null);
    h.markAvailable("quiet");
    KaleemTenant t =
        h.await(
            "quiet",
            x -> x.getStatus().analysis != null && x.getStatus().analysis.inconclusive >= 3,
            Duration.ofSeconds(60));
    assertThat(t.getStatus().lastGoodRevision).as("no data is never a pass").isNull();
    assertThat(t).matches(condition(Conditions.ROLLOUT_HEALTHY, "Unknown", "AnalysisInconclusive"));
    assertThat(t.getStatus().analysis.message).startsWith("no data");

    // The engineer decides: skip the analysis, and the Kubernetes signals alone promote it.
    h.tenants()
        .inNamespace(NS)
        .withName("quiet")
        .edit(
            x -> {
              if (x.getMetadata().getAnnotations() == null) {
                x.getMetadata().setAnnotations(new java.util.HashMap<>());
              }
              x.getMetadata().getAnnotations().put("kaleem.io/skip-analysis", "true");
              return x;
            });
    h.await("quiet", x -> x.getStatus().lastGoodRevision != null, Duration.ofSeconds(30));
  }

  @Test
  void unreachablePrometheusIsAnErrorAfterTheConsecutiveErrorLimitNeverAHang() {
    h.createMongoSecret("dark-mongo", h.mongoUri);
    KaleemTenantSpec spec = OperatorHarness.spec("dark");
    spec.api.autoscaling.enabled = false;
    spec.rollout.stabilizationSeconds = 1;
    spec.rollout.analysis = analysis("down");
    spec.rollout.analysis.consecutiveErrorLimit = 2;
    h.create("dark", spec);
    h.await("dark", t -> h.deployment("dark") != null);
    h.markAvailable("dark");
    KaleemTenant t = h.await("dark", phase(Phase.Failed), Duration.ofSeconds(60));
    assertThat(t.getStatus().analysis.phase).isEqualTo("Error");
    assertThat(t.getStatus().analysis.consecutiveErrors).isEqualTo(3);
    assertThat(t.getStatus().analysis.message)
        .contains("Prometheus 'down': unreachable (ConnectException)")
        .doesNotContain("127.0.0.1");
  }

  @Test
  void aProviderTheOperatorDoesNotKnowIsReportedAndNothingIsFetched() {
    h.createMongoSecret("stray-mongo", h.mongoUri);
    KaleemTenantSpec spec = OperatorHarness.spec("stray");
    spec.api.autoscaling.enabled = false;
    spec.rollout.stabilizationSeconds = 1;
    spec.rollout.analysis = analysis("metadata-server");
    h.create("stray", spec);
    h.await("stray", t -> h.deployment("stray") != null);
    h.markAvailable("stray");
    KaleemTenant t =
        h.await(
            "stray", condition(Conditions.ROLLOUT_HEALTHY, "Unknown", "AnalysisProviderUnknown"));
    assertThat(t.getStatus().lastGoodRevision).isNull();
    assertThat(t.getStatus().analysis).isNull();
  }

  static String revisionOf(String tenant) {
    var d = h.deployment(tenant);
    return d == null
        ? ""
        : d.getSpec().getTemplate().getMetadata().getLabels().get("kaleem.io/revision");
  }
}
