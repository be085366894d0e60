package io.kaleem.api.support;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** BlockHound is on in this module's test JVM: blocking a non-blocking thread is an error. */
class BlockHoundActiveTest {

  @Test
  void sleepingOnTheParallelSchedulerFails() {
    Mono<Integer> sleeper =
        Mono.fromCallable(
                () -> {
                  Thread.sleep(10);
                  return 1;
                })
            .subscribeOn(Schedulers.parallel());
    assertThatThrownBy(() -> sleeper.block(Duration.ofSeconds(10)))
        .hasRootCauseInstanceOf(BlockingOperationError.class)
        .rootCause()
        .hasMessageContaining("java.lang.Thread.sleep");
  }

  @Test
  void theSameCallOnABlockingCapableThreadIsAllowed() {
    Mono<Integer> sleeper =
        Mono.fromCallable(
                () -> {
                  Thread.sleep(10);
                  return 1;
                })
            .subscribeOn(Schedulers.boundedElastic());
    org.assertj.core.api.Assertions.assertThat(sleeper.block(Duration.ofSeconds(10))).isEqualTo(1);
  }
}
