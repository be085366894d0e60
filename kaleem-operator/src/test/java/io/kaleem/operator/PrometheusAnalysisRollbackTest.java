package io.kaleem.operator;

import static io.kaleem.operator.OperatorHarness.NS;
import static io.kaleem.operator.OperatorHarness.phase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.crds.v1alpha1.KaleemTenantStatus.Phase;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The rollout analysis against a real Prometheus server scraping a test exporter. */
class PrometheusAnalysisRollbackTest {

  static OperatorHarness h;
  static TestExporter exporter;
  static PrometheusProcess prometheus;

  @BeforeAll
  static void up() throws Exception {
    exporter = new TestExporter(NS, "ana");
    prometheus = new PrometheusProcess(exporter.target());
    h = OperatorHarness.start();
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

  @Test
  void healthyRevisionIsPromotedAndOneWithHighErrorRateIsRolledBack() {
    h.createMongoSecret("ana-mongo", h.mongoUri);
    KaleemTenantSpec spec = OperatorHarness.spec("ana");
    spec.rollout.stabilizationSeconds = 4;
    spec.rollout.analysis = new KaleemTenantSpec.Analysis();
    spec.rollout.analysis.prometheusAddress = prometheus.address;
    spec.rollout.analysis.window = "5s";
    h.create("ana", spec);
    String r1 =
        h.await("ana", t -> t.getStatus() != null && t.getStatus().currentRevision != null)
            .getStatus()
            .currentRevision;
    exporter.serve(r1, 0.0);
    h.markAvailable("ana");
    KaleemTenant good =
        h.await("ana", t -> r1.equals(t.getStatus().lastGoodRevision), Duration.ofSeconds(60));
    assertThat(good.getStatus().phase).isEqualTo(Phase.Ready);

    h.editSpec(
        "ana",
        s -> {
          s.api.image = "ghcr.io/kaleem/api:1.1.0";
          s.rollout.stabilizationSeconds = 120;
        });
    String r2 =
        h.await("ana", t -> !r1.equals(t.getStatus().currentRevision)).getStatus().currentRevision;
    exporter.serve(r2, 0.4);
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
                  .contains("(max 0.05)");
              double measured =
                  Double.parseDouble(
                      r.reason.substring("analysis failed: error rate ".length()).split(" ")[0]);
              assertThat(measured)
                  .as("error share served by the exporter")
                  .isCloseTo(0.4, within(0.05));
            });
    assertThat(rolledBack.getStatus().currentRevision).isEqualTo(r1);
    assertThat(
            h.deployment("ana").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("ghcr.io/kaleem/api:1.0.0");
  }
}
