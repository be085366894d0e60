package io.kaleem.api.categories;

import io.kaleem.api.common.LeaseLock;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * One lock document per merchant's category tree ({@code category_locks}, {@code _id} the merchant
 * id): a move reads the tree, checks for cycles and rewrites the subtree's ancestors while holding
 * it, so two moves of one tree never interleave (A under B and B under A: the second sees the first
 * done and refuses the cycle). A holder that dies leaves a lease that lapses after {@link #LEASE}.
 */
@Component
class TreeLock {

  static final String COLLECTION = "category_locks";
  static final Duration LEASE = Duration.ofSeconds(30);

  private final LeaseLock lock;

  TreeLock(ReactiveMongoTemplate mongo, Clock clock) {
    this.lock =
        new LeaseLock(
            mongo,
            clock,
            COLLECTION,
            LEASE,
            "Another change to this merchant's category tree is in progress; retry the request");
  }

  /** Runs {@code work} holding the merchant's tree lock; a lock held too long is a 409. */
  <T> Mono<T> holding(String merchantId, Supplier<Mono<T>> work) {
    return lock.holding(merchantId, work);
  }
}
