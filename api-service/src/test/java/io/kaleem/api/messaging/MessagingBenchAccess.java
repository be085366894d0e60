package io.kaleem.api.messaging;

import io.kaleem.api.support.StandaloneApp;

/** What the messaging benchmark reaches inside the package: one relay drain, run to the end. */
public final class MessagingBenchAccess {

  private MessagingBenchAccess() {}

  /** Relays until the outbox is empty (or a round finds less than a full batch); events sent. */
  public static int drain(StandaloneApp app) {
    int total = 0;
    OutboxGauges gauges = app.bean(OutboxGauges.class);
    do {
      total += app.bean(OutboxRelay.class).drain().block();
      gauges.refresh().block();
    } while (gauges.depth() > 0);
    return total;
  }

  public static long depth(StandaloneApp app) {
    OutboxGauges gauges = app.bean(OutboxGauges.class);
    gauges.refresh().block();
    return gauges.depth();
  }
}
