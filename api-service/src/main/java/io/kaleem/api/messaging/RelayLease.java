package io.kaleem.api.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.mapping.Document;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The right to relay one batch, held by one replica at a time: a single lease document taken with
 * one conditional {@code findAndModify} (free, expired, or already ours). Of two replicas racing
 * for a free lease, the upsert of one fails on the {@code _id} and it backs off; so two relays
 * never publish the same event at once, and events of one aggregate leave in order.
 *
 * <p>A replica that stalls past its lease may overlap the next holder for one batch: that can
 * re-send, never lose, and consumers de-duplicate by event id.
 */
@Component
class RelayLease {

  static final String COLLECTION = "outbox_leases";
  static final String ID = "relay";

  private final ReactiveMongoTemplate mongo;
  private final Clock clock;
  private final Duration ttl;
  private final String owner = UUID.randomUUID().toString();

  RelayLease(ReactiveMongoTemplate mongo, Clock clock, MessagingProperties props) {
    this.mongo = mongo;
    this.clock = clock;
    this.ttl = props.relay().lease();
  }

  @Document(COLLECTION)
  record Lease(@Id String id, String owner, Instant until) {}

  /** True when this replica holds the lease now (taken or renewed until now + ttl). */
  Mono<Boolean> acquire() {
    Instant now = clock.instant();
    Query q =
        new Query(
            Criteria.where("_id")
                .is(ID)
                .orOperator(Criteria.where("until").lt(now), Criteria.where("owner").is(owner)));
    Update u = new Update().set("owner", owner).set("until", now.plus(ttl));
    return mongo
        .findAndModify(
            q, u, FindAndModifyOptions.options().upsert(true).returnNew(true), Lease.class)
        .map(l -> owner.equals(l.owner()))
        .defaultIfEmpty(false)
        .onErrorResume(DuplicateKeyException.class, e -> Mono.just(false));
  }

  /** Frees the lease at shutdown so another replica takes over at once. */
  Mono<Void> release() {
    return mongo
        .updateFirst(
            new Query(Criteria.where("_id").is(ID).and("owner").is(owner)),
            new Update().set("until", Instant.EPOCH),
            Lease.class)
        .then();
  }

  String owner() {
    return owner;
  }
}
