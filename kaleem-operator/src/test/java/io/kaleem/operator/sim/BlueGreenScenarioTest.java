package io.kaleem.operator.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.crds.v1alpha1.KaleemTenantStatus.Phase;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * BlueGreen on the simulated cluster with production traffic flowing through the tenant Service all
 * along: the candidate is judged behind the preview Service only, the switch drops no request, and
 * a failed candidate never serves production and is scaled away.
 */
class BlueGreenScenarioTest {

  SimCluster sim;
  Traffic production;

  @BeforeEach
  void up() throws Exception {
    sim = new SimCluster();
    sim.startOperator();
  }

  @AfterEach
  void down() {
    sim.close();
  }

  static Duration s(long seconds) {
    return Duration.ofSeconds(seconds);
  }

  String onboard(String name) {
    KaleemTenantSpec spec = SimCluster.spec(name);
    spec.rollout.strategy = KaleemTenantSpec.Strategy.BlueGreen;
    spec.api.replicas = 3;
    sim.create(name, spec);
    KaleemTenant t = sim.runUntil(name, x -> x.getStatus().activeRevision != null, s(300));
    production = sim.traffic(name + "-api");
    return t.getStatus().activeRevision;
  }

  @Test
  void aHealthyCandidateIsJudgedWithoutProductionTrafficThenSwitchedWithNoDroppedRequest() {
    String blue = onboard("bg");
    sim.editSpec("bg", x -> x.api.image = "ghcr.io/kaleem/api:2.0.0");
    KaleemTenant judging =
        sim.runUntil("bg", t -> !blue.equals(t.getStatus().currentRevision), s(60));
    String green = judging.getStatus().currentRevision;
    sim.runUntil("bg", t -> t.getStatus().healthySince != null, s(300));
    assertThat(sim.deployment("bg-api-preview").getSpec().getReplicas()).isEqualTo(3);
    assertThat(
            sim.client
                .services()
                .inNamespace(SimCluster.NS)
                .withName("bg-api-preview")
                .get()
                .getSpec()
                .getSelector())
        .containsEntry("kaleem.io/revision", green);
    assertThat(production.servedBy(green)).as("no production traffic before the switch").isZero();

    KaleemTenant promoted =
        sim.runUntil("bg", t -> green.equals(t.getStatus().activeRevision), s(300));
    assertThat(promoted.getStatus().lastGoodRevision).isEqualTo(green);
    // The active Deployment catches up, then the preview is scaled away.
    sim.runUntil(
        "bg",
        t ->
            green.equals(sim.runningRevision("bg-api"))
                && sim.deployment("bg-api-preview").getSpec().getReplicas() == 0,
        s(300));
    sim.runFor(s(30), s(1), null, "bg");
    assertThat(
            sim.client
                .services()
                .inNamespace(SimCluster.NS)
                .withName("bg-api")
                .get()
                .getSpec()
                .getSelector())
        .containsEntry("kaleem.io/revision", green);
    assertThat(production.dropped.get()).as("requests dropped during the switch").isZero();
    assertThat(production.servedBy(green)).isPositive();
    assertThat(production.served.get()).isPositive();
    assertThat(sim.get("bg").getStatus().phase).isEqualTo(Phase.Ready);
  }

  @Test
  void aFailingCandidateNeverServesProductionAndIsScaledAway() {
    String blue = onboard("bgx");
    sim.kubelet.image("ghcr.io/kaleem/api:3.0.0", ImageBehaviour.crashLoop(3));
    sim.editSpec("bgx", x -> x.api.image = "ghcr.io/kaleem/api:3.0.0");
    KaleemTenant back = sim.runUntil("bgx", t -> !t.getStatus().rollbackHistory.isEmpty(), s(600));
    String bad = back.getStatus().failedRevision;
    assertThat(back.getStatus().rollbackHistory.get(0).to).isEqualTo(blue);
    sim.runUntil(
        "bgx", t -> sim.deployment("bgx-api-preview").getSpec().getReplicas() == 0, s(120));
    sim.runFor(s(30), s(1), null, "bgx");
    assertThat(production.servedBy(bad)).as("production never saw the candidate").isZero();
    assertThat(production.dropped.get()).isZero();
    assertThat(sim.runningRevision("bgx-api")).isEqualTo(blue);
    assertThat(sim.get("bgx").getStatus().activeRevision).isEqualTo(blue);
  }
}
