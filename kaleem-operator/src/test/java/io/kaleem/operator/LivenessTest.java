package io.kaleem.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.operator.sim.SimClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class LivenessTest {

  final AtomicBoolean leading = new AtomicBoolean(true);
  final AtomicBoolean healthy = new AtomicBoolean(true);
  final SimClock clock = new SimClock(java.time.Instant.parse("2026-01-01T00:00:00Z"));
  final Liveness liveness = new Liveness(leading::get, healthy::get, clock, Duration.ofSeconds(90));

  @Test
  void aLeaderWhoseEventSourcesStayUnhealthyFailsAfterTheGrace() {
    assertThat(liveness.live()).isTrue();
    healthy.set(false);
    assertThat(liveness.live()).as("a blip is within the grace").isTrue();
    clock.advance(Duration.ofSeconds(89));
    assertThat(liveness.live()).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(liveness.live()).isFalse();
  }

  @Test
  void recoveryResetsTheGrace() {
    healthy.set(false);
    liveness.live();
    clock.advance(Duration.ofSeconds(80));
    healthy.set(true);
    assertThat(liveness.live()).isTrue();
    healthy.set(false);
    clock.advance(Duration.ofSeconds(80));
    assertThat(liveness.live()).as("the grace counts from the new failure").isTrue();
  }

  @Test
  void aFollowerRunsNoInformersAndIsAlive() {
    leading.set(false);
    healthy.set(false);
    liveness.live();
    clock.advance(Duration.ofMinutes(10));
    assertThat(liveness.live()).isTrue();
  }
}
