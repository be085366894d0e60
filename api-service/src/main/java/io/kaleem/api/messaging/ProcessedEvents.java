package io.kaleem.api.messaging;

import io.kaleem.crds.indexes.IndexCatalog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.mapping.Document;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/**
 * The event ids each consumer has applied. The {@code _id} is {@code consumer:eventId}, so the
 * unique {@code _id} index decides between two deliveries of one event (a redelivery, or a relay
 * that re-sent after a crash): exactly one insert wins. A consumer claims the id before its side
 * effect and gives the claim back if the effect fails, so a retry can apply it; ids expire after
 * the redelivery window ({@code processed_events_expiry}).
 */
@Component
public class ProcessedEvents {

  private final ReactiveMongoTemplate mongo;
  private final Clock clock;
  private final Duration retention;

  ProcessedEvents(ReactiveMongoTemplate mongo, Clock clock, MessagingProperties props) {
    this.mongo = mongo;
    this.clock = clock;
    this.retention = props.processedRetention();
  }

  @Document(IndexCatalog.PROCESSED_EVENTS)
  record Processed(@Id String id, Instant processedAt, Instant expiresAt) {}

  /**
   * Claims {@code eventId} for {@code consumer}; false when it was applied before (a duplicate).
   * Blocking: consumers run on the binder's listener threads, never on an event loop.
   */
  public boolean claim(String consumer, String eventId) {
    Instant now = clock.instant();
    try {
      mongo.insert(new Processed(key(consumer, eventId), now, now.plus(retention))).block();
      return true;
    } catch (DuplicateKeyException duplicate) {
      return false;
    }
  }

  /** Gives a claim back after the side effect failed, so the retry applies it. */
  public void unclaim(String consumer, String eventId) {
    mongo
        .remove(new Query(Criteria.where("_id").is(key(consumer, eventId))), Processed.class)
        .block();
  }

  private static String key(String consumer, String eventId) {
    return consumer + ":" + eventId;
  }
}
