package io.kaleem.api.messaging;

import io.kaleem.crds.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import org.springframework.messaging.Message;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * The shape every consuming side effect shares: decode the envelope, skip an event this consumer
 * already applied (by id, {@link ProcessedEvents}), apply it, count it. An exception leaves the
 * claim released and goes back to the binder, which retries with back-off and, after the retry
 * budget, dead-letters the message (docs/MESSAGING.md); the queue is never blocked by one event.
 */
public abstract class EventConsumer implements Consumer<Message<byte[]>> {

  private final String name;
  private final ObjectReader reader;
  private final ProcessedEvents processed;
  private final Clock clock;
  private final Counter applied;
  private final Counter duplicates;
  private final Counter failed;
  private final Timer lag;

  protected EventConsumer(
      String name, JsonMapper json, ProcessedEvents processed, Clock clock, MeterRegistry meters) {
    this.name = name;
    // Consumers read envelopes of newer minor revisions: unknown fields are ignored here, unlike
    // in request bodies.
    this.reader =
        json.readerFor(EventEnvelope.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    this.processed = processed;
    this.clock = clock;
    this.applied = result(meters, "applied");
    this.duplicates = result(meters, "duplicate");
    this.failed = result(meters, "failed");
    this.lag =
        Timer.builder(MetricNames.EVENT_CONSUMER_LAG)
            .tag(MetricNames.LABEL_CONSUMER, name)
            .publishPercentileHistogram()
            .register(meters);
  }

  private Counter result(MeterRegistry meters, String result) {
    return Counter.builder(MetricNames.EVENTS_CONSUMED)
        .tag(MetricNames.LABEL_CONSUMER, name)
        .tag(MetricNames.LABEL_RESULT, result)
        .register(meters);
  }

  /** The consumer's name: its queue group and its key in {@link ProcessedEvents}. */
  public String name() {
    return name;
  }

  @Override
  public final void accept(Message<byte[]> message) {
    EventEnvelope event;
    try {
      event = reader.readValue(message.getPayload());
    } catch (RuntimeException malformed) {
      failed.increment();
      throw new PoisonEventException("not an event envelope: " + malformed.getMessage());
    }
    if (event.id() == null || event.type() == null) {
      failed.increment();
      throw new PoisonEventException("envelope without id or type");
    }
    if (event.version() != EventType.VERSION) {
      failed.increment();
      throw new PoisonEventException(
          "envelope version " + event.version() + " of " + event.type() + " is not understood");
    }
    if (!processed.claim(name, event.id())) {
      duplicates.increment();
      return;
    }
    try {
      apply(event);
    } catch (RuntimeException e) {
      processed.unclaim(name, event.id());
      failed.increment();
      throw e;
    }
    applied.increment();
    if (event.occurredAt() != null) {
      lag.record(Duration.between(event.occurredAt(), clock.instant()).abs());
    }
  }

  /** The side effect; blocking is fine here (the binder's listener thread). */
  protected abstract void apply(EventEnvelope event);

  /** An event no retry can help with; still retried by the binder, then dead-lettered. */
  public static final class PoisonEventException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PoisonEventException(String message) {
      super(message);
    }
  }
}
