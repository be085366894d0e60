package io.kaleem.api.messaging;

import io.kaleem.api.support.StandaloneApp;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

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

  /**
   * An event written straight into the outbox, as a move from its aggregate's document leaves it
   * (the relay's input), and the relay woken.
   */
  public static Mono<Void> outboxEvent(
      StandaloneApp app,
      EventType type,
      String merchantId,
      String aggregateId,
      Map<String, Object> data) {
    return Mono.defer(
        () -> {
          ObjectId id = new ObjectId();
          Instant now = Instant.now();
          String payload =
              app.bean(JsonMapper.class)
                  .writeValueAsString(
                      new EventEnvelope(
                          id.toHexString(),
                          type.type(),
                          EventType.VERSION,
                          now,
                          "bench",
                          merchantId,
                          null,
                          data));
          OutboxEvent e =
              new OutboxEvent(
                  id,
                  type.type(),
                  type.aggregate().name().toLowerCase(Locale.ROOT) + ":" + aggregateId,
                  merchantId,
                  payload,
                  OutboxEvent.Status.PENDING,
                  now,
                  null,
                  null);
          RelaySignal signal = app.bean(RelaySignal.class);
          return app.bean(ReactiveMongoTemplate.class)
              .insert(e)
              .doOnSuccess(x -> signal.wake())
              .then();
        });
  }
}
