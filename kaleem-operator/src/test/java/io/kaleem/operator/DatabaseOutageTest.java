package io.kaleem.operator;

import static io.kaleem.operator.OperatorHarness.condition;
import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.crds.v1alpha1.KaleemTenantStatus.Phase;
import io.kaleem.operator.status.Conditions;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DatabaseOutageTest {

  static OperatorHarness h;

  @BeforeAll
  static void up() throws Exception {
    h = OperatorHarness.start(OperatorHarness.testSettings(), false);
  }

  @AfterAll
  static void down() {
    h.close();
  }

  @Test
  void unreachableDatabaseIsAConditionWithBackoffAndRecoversWhenItReturns() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    h.createMongoSecret("outage-mongo", "mongodb://127.0.0.1:" + port);
    h.create("outage", OperatorHarness.spec("outage"));

    KaleemTenant t =
        h.await("outage", condition(Conditions.DATABASE_READY, "False", "Unreachable"));
    assertThat(t.getStatus().phase).isEqualTo(Phase.Degraded);
    assertThat(h.hasEvent("outage", "Unreachable")).isTrue();
    assertThat(h.deployment("outage"))
        .as("the workload does not wait for the database")
        .isNotNull();

    // Back-off: attempts are spaced by growing delays.
    List<Double> delays = new ArrayList<>();
    Pattern p = Pattern.compile("attempt (\\d+), next in ([0-9.]+)s");
    h.await(
        "outage",
        x -> {
          String m =
              Conditions.find(x.getStatus().conditions, Conditions.DATABASE_READY)
                  .orElseThrow()
                  .getMessage();
          Matcher mm = p.matcher(m);
          if (mm.find()) {
            double d = Double.parseDouble(mm.group(2));
            if (delays.isEmpty() || delays.get(delays.size() - 1) != d) {
              delays.add(d);
            }
          }
          return delays.size() >= 3;
        });
    assertThat(delays).isSorted();
    assertThat(delays.get(2)).isGreaterThan(delays.get(0));

    MongoServer mongo = new MongoServer(new MemoryBackend());
    mongo.bind("127.0.0.1", port);
    try {
      t = h.await("outage", condition(Conditions.INDEXES_READY, "True", "Synced"));
      assertThat(t).matches(condition(Conditions.DATABASE_READY, "True", "Connected"));
      assertThat(h.hasEvent("outage", "Connected")).isTrue();
    } finally {
      mongo.shutdownNow();
    }
  }
}
