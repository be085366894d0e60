package io.kaleem.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.crds.v1alpha1.KaleemTenantStatus.Phase;
import io.kaleem.operator.status.Conditions.Verdict;
import io.kaleem.operator.status.StatusAggregator.Impact;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusAggregatorTest {

  private static List<Verdict> serving() {
    return new ArrayList<>(
        List.of(
            Verdict.ok(Conditions.SPEC_VALID, "Valid", "spec is valid"),
            Verdict.ok(Conditions.DATABASE_READY, "Connected", "up"),
            Verdict.ok(Conditions.INDEXES_READY, "Synced", "all there"),
            Verdict.ok(Conditions.DEPLOYMENT_AVAILABLE, "Available", "revision r1 is available"),
            Verdict.ok(Conditions.ROLLOUT_HEALTHY, "Healthy", "r1 healthy")));
  }

  @Test
  void everyConcernFineIsReady() {
    var r = StatusAggregator.aggregate(serving(), null, true);
    assertThat(r.phase()).isEqualTo(Phase.Ready);
    assertThat(r.ready().isTrue()).isTrue();
  }

  @Test
  void aMissingOrUnavailableRequiredConcernIsPending() {
    List<Verdict> v = serving();
    v.removeIf(x -> x.type().equals(Conditions.INDEXES_READY));
    assertThat(StatusAggregator.aggregate(v, null, false).phase()).isEqualTo(Phase.Provisioning);
    assertThat(StatusAggregator.aggregate(v, null, true).phase()).isEqualTo(Phase.Progressing);

    List<Verdict> w = serving();
    w.set(3, Verdict.unknown(Conditions.DEPLOYMENT_AVAILABLE, "Progressing", "2/3 ready"));
    var r = StatusAggregator.aggregate(w, null, true);
    assertThat(r.phase()).isEqualTo(Phase.Progressing);
    assertThat(r.ready().reason()).isEqualTo("Progressing");
    assertThat(r.ready().message()).isEqualTo("DeploymentAvailable: 2/3 ready");
  }

  @Test
  void aDatabaseDownDegradesButConnectingDoesNot() {
    List<Verdict> v = serving();
    v.set(1, Verdict.bad(Conditions.DATABASE_READY, "Unreachable", "timeout"));
    assertThat(StatusAggregator.aggregate(v, null, true).phase()).isEqualTo(Phase.Degraded);
    v.set(1, Verdict.unknown(Conditions.DATABASE_READY, "Connecting", "first sync"));
    assertThat(StatusAggregator.aggregate(v, null, true).phase()).isEqualTo(Phase.Ready);
  }

  @Test
  void monitoringDegradesOnlyWhenItsVerdictSaysSo() {
    List<Verdict> v = serving();
    v.add(Verdict.bad(Conditions.MONITORING_READY, "Skipped", "no CRD"));
    assertThat(StatusAggregator.aggregate(v, null, true).phase()).isEqualTo(Phase.Ready);
    v.set(
        v.size() - 1,
        Verdict.bad(Conditions.MONITORING_READY, "Skipped", "refused").with(Impact.DEGRADED));
    assertThat(StatusAggregator.aggregate(v, null, true).phase())
        .as("the impact decides, not the reason")
        .isEqualTo(Phase.Degraded);
  }

  @Test
  void theDecisionsPhaseWinsOverTheConcernsButNotOverARefusal() {
    List<Verdict> v = serving();
    v.set(1, Verdict.bad(Conditions.DATABASE_READY, "Unreachable", "timeout"));
    assertThat(StatusAggregator.aggregate(v, Phase.RolledBack, true).phase())
        .isEqualTo(Phase.RolledBack);
    v.add(Verdict.bad(Conditions.CONFIG_READY, "NameConflict", "taken").with(Impact.FAILED));
    var r = StatusAggregator.aggregate(v, Phase.RolledBack, true);
    assertThat(r.phase()).isEqualTo(Phase.Failed);
    assertThat(r.ready().isTrue()).isFalse();
  }
}
