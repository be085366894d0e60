package io.kaleem.api.common;

import io.kaleem.api.errors.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.function.Supplier;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * A lock shared by every replica: one document per key in a collection of its own, taken by one
 * conditional update ({@code until < now}), so one holder at a time. A holder that dies leaves a
 * lease that lapses after {@code lease}; work must finish well inside it. A caller that finds the
 * lock held retries with backoff (about 1.3 s in all) and then gets a 409 with {@code busy} as its
 * detail, so waiting is bounded and the client is told to retry.
 */
public final class LeaseLock {

  private final ReactiveMongoTemplate mongo;
  private final Clock clock;
  private final String collection;
  private final Duration lease;
  private final String busy;

  public LeaseLock(
      ReactiveMongoTemplate mongo, Clock clock, String collection, Duration lease, String busy) {
    this.mongo = mongo;
    this.clock = clock;
    this.collection = collection;
    this.lease = lease;
    this.busy = busy;
  }

  /** Runs {@code work} holding the lock of {@code key}, released however the work ends. */
  public <T> Mono<T> holding(String key, Supplier<Mono<T>> work) {
    String owner = new ObjectId().toHexString();
    return acquire(key, owner)
        .retryWhen(
            Retry.backoff(6, Duration.ofMillis(20))
                .filter(Held.class::isInstance)
                .onRetryExhaustedThrow((spec, signal) -> ApiException.conflict(busy)))
        .then(
            Mono.usingWhen(
                Mono.just(owner),
                o -> Mono.defer(work),
                o -> release(key, o),
                (o, e) -> release(key, o),
                o -> release(key, o)));
  }

  private Mono<Void> acquire(String key, String owner) {
    Instant now = Timestamps.now(clock);
    Query id = new Query(Criteria.where("_id").is(key));
    // Exists first (an upsert that sets nothing held), then one conditional take.
    return mongo
        .upsert(id, new Update().setOnInsert("until", new Date(0)), collection)
        .then(
            mongo.updateFirst(
                new Query(Criteria.where("_id").is(key).and("until").lt(Date.from(now))),
                new Update().set("owner", owner).set("until", Date.from(now.plus(lease))),
                collection))
        .flatMap(r -> r.getModifiedCount() == 1 ? Mono.<Void>empty() : Mono.error(new Held()));
  }

  private Mono<Void> release(String key, String owner) {
    return mongo
        .updateFirst(
            new Query(Criteria.where("_id").is(key).and("owner").is(owner)),
            new Update().set("until", new Date(0)),
            collection)
        .then();
  }

  /** The lock is held by another caller right now. */
  private static final class Held extends RuntimeException {
    Held() {
      super(null, null, false, false);
    }
  }
}
