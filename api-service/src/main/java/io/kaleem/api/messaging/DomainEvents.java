package io.kaleem.api.messaging;

import io.kaleem.api.common.Timestamps;
import io.kaleem.api.tenant.TenantProperties;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Records domain events in the outbox. Services call it in the request's own pipeline, after the
 * change and before the response: an answered request has its event durably stored, and the relay
 * publishes it whether or not the broker is reachable now.
 *
 * <p>MongoDB here gives no transaction across the change and the outbox insert, so the two are
 * ordered: change first, event second. A failure between them (the process dies) loses that one
 * event but never publishes an event for a change that did not happen; the caller sees an error and
 * retries (order placing is idempotent by key), which records it.
 */
@Component
public class DomainEvents {

  private final ReactiveMongoTemplate mongo;
  private final JsonMapper json;
  private final Clock clock;
  private final String tenant;
  private final RelaySignal signal;

  DomainEvents(
      ReactiveMongoTemplate mongo,
      JsonMapper json,
      Clock clock,
      TenantProperties tenant,
      RelaySignal signal) {
    this.mongo = mongo;
    this.json = json;
    this.clock = clock;
    this.tenant = tenant.id();
    this.signal = signal;
  }

  /** Records an event of the current request (its request id from the Reactor context). */
  public Mono<Void> record(
      EventType type, String merchantId, String aggregateId, Map<String, Object> data) {
    return EventOrigin.current().flatMap(o -> record(o, type, merchantId, aggregateId, data));
  }

  /** Records an event whose origin the caller captured (detached work). */
  public Mono<Void> record(
      EventOrigin origin,
      EventType type,
      String merchantId,
      String aggregateId,
      Map<String, Object> data) {
    return Mono.defer(
        () -> {
          ObjectId id = new ObjectId();
          Instant now = Timestamps.now(clock);
          EventEnvelope envelope =
              new EventEnvelope(
                  id.toHexString(),
                  type.type(),
                  EventType.VERSION,
                  now,
                  tenant,
                  merchantId,
                  origin.requestId(),
                  data);
          OutboxEvent event =
              new OutboxEvent(
                  id,
                  type.type(),
                  type.aggregate().name().toLowerCase(java.util.Locale.ROOT) + ":" + aggregateId,
                  merchantId,
                  json.writeValueAsString(envelope),
                  OutboxEvent.Status.PENDING,
                  now,
                  null,
                  null);
          return mongo.insert(event).doOnSuccess(e -> signal.wake()).then();
        });
  }
}
