package io.kaleem.api.commerce;

import org.bson.Document;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Per-merchant number sequences (order 1001, 1002, ...; ticket 1001, ...). Each sequence is one
 * document of the {@code counters} collection, {@code _id} {@code "<scope>:<merchantId>"}, advanced
 * by a single {@code findAndModify} with {@code $inc} and upsert: two callers never get the same
 * number. A number taken by a request that then fails is not reused, so sequences may have gaps.
 */
@Component
public class Sequences {

  public static final String COLLECTION = "counters";

  /** The first number of every sequence. */
  public static final long FIRST = 1001;

  private final ReactiveMongoTemplate mongo;

  public Sequences(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  /** The next number of {@code scope} (e.g. {@code orders}) for the merchant. */
  public Mono<Long> next(String scope, String merchantId) {
    return Mono.defer(
            () ->
                mongo.findAndModify(
                    new Query(Criteria.where("_id").is(scope + ":" + merchantId)),
                    new Update().inc("seq", 1L),
                    FindAndModifyOptions.options().upsert(true).returnNew(true),
                    Document.class,
                    COLLECTION))
        // Two first-ever upserts of one counter may race on _id: the loser retries and increments.
        .retryWhen(Retry.max(3).filter(DuplicateKeyException.class::isInstance))
        .map(d -> FIRST - 1 + ((Number) d.get("seq")).longValue());
  }
}
