package io.kaleem.api.categories;

import io.kaleem.api.common.Timestamps;
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
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * One lock document per merchant's category tree ({@code category_locks}, {@code _id} the merchant
 * id): a move reads the tree, checks for cycles and rewrites the subtree's ancestors while holding
 * it, so two moves of one tree never interleave (A under B and B under A: the second sees the first
 * done and refuses the cycle). Taking it is one conditional update ({@code until < now}), so one
 * holder at a time; a holder that dies leaves a lease that lapses after {@link #LEASE}.
 */
@Component
class TreeLock {

  static final String COLLECTION = "category_locks";
  static final Duration LEASE = Duration.ofSeconds(30);

  private final ReactiveMongoTemplate mongo;
  private final Clock clock;

  TreeLock(ReactiveMongoTemplate mongo, Clock clock) {
    this.mongo = mongo;
    this.clock = clock;
  }

  /** Runs {@code work} holding the merchant's tree lock; a lock held too long is a 409. */
  <T> Mono<T> holding(String merchantId, Supplier<Mono<T>> work) {
    String owner = new ObjectId().toHexString();
    return acquire(merchantId, owner)
        .retryWhen(
            Retry.backoff(6, Duration.ofMillis(20))
                .filter(Held.class::isInstance)
                .onRetryExhaustedThrow(
                    (spec, signal) ->
                        ApiException.conflict(
                            "Another change to this merchant's category tree is in progress;"
                                + " retry the request")))
        .then(
            Mono.usingWhen(
                Mono.just(owner),
                o -> Mono.defer(work),
                o -> release(merchantId, o),
                (o, e) -> release(merchantId, o),
                o -> release(merchantId, o)));
  }

  private Mono<Void> acquire(String merchantId, String owner) {
    Instant now = Timestamps.now(clock);
    Query id = new Query(Criteria.where("_id").is(merchantId));
    // Exists first (an upsert that sets nothing held), then one conditional take.
    return mongo
        .upsert(id, new Update().setOnInsert("until", new Date(0)), COLLECTION)
        .then(
            mongo.updateFirst(
                new Query(Criteria.where("_id").is(merchantId).and("until").lt(Date.from(now))),
                new Update().set("owner", owner).set("until", Date.from(now.plus(LEASE))),
                COLLECTION))
        .flatMap(r -> r.getModifiedCount() == 1 ? Mono.<Void>empty() : Mono.error(new Held()));
  }

  private Mono<Void> release(String merchantId, String owner) {
    return mongo
        .updateFirst(
            new Query(Criteria.where("_id").is(merchantId).and("owner").is(owner)),
            new Update().set("until", new Date(0)),
            COLLECTION)
        .then();
  }

  /** The lock is held by another move right now. */
  static final class Held extends RuntimeException {
    Held() {
      super(null, null, false, false);
    }
  }
}
