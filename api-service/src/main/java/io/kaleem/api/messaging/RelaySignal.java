package io.kaleem.api.messaging;

import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Tells this replica's relay that an event was recorded, so it publishes now instead of at its next
 * poll. Wake-ups coalesce: the relay drains everything pending on each round, so a signal lost
 * while the buffer is full loses nothing.
 */
@Component
class RelaySignal {

  private final Sinks.Many<Boolean> wakeups =
      Sinks.many().multicast().onBackpressureBuffer(1, false);

  void wake() {
    wakeups.tryEmitNext(Boolean.TRUE);
  }

  Flux<Boolean> wakeups() {
    return wakeups.asFlux();
  }
}
