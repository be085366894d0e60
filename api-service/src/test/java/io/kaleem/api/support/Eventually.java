package io.kaleem.api.support;

import java.time.Duration;
import java.time.Instant;

/**
 * Waits for an effect that lands after the response: the server records a request's metrics and
 * error entry when its pipeline finishes, which the client may see a moment later.
 */
public final class Eventually {

  private Eventually() {}

  /** Runs {@code check} until it passes, for at most 10 s; then its last failure is thrown. */
  public static void assertThat(Runnable check) {
    Instant until = Instant.now().plus(Duration.ofSeconds(10));
    while (true) {
      try {
        check.run();
        return;
      } catch (AssertionError | RuntimeException notYet) {
        if (Instant.now().isAfter(until)) {
          throw notYet;
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
