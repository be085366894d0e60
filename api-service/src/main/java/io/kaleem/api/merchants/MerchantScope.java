package io.kaleem.api.merchants;

import io.kaleem.api.common.Ids;
import io.kaleem.api.errors.ApiException;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Resolves the merchant a merchant-scoped route names. An unknown merchant is a 404 for every route
 * below it, so scoped resources never exist without their merchant.
 */
@Component
public class MerchantScope {

  private final ReactiveMongoTemplate mongo;
  private final MerchantCache cache;

  public MerchantScope(ReactiveMongoTemplate mongo, MerchantCache cache) {
    this.mongo = mongo;
    this.cache = cache;
  }

  /**
   * The merchant through the cache (a miss reads MongoDB), empty when there is none. Every
   * merchant-scoped request asks this, so it is one of the reads the cache exists for.
   */
  public Mono<Merchant> find(String merchantId) {
    return Mono.defer(
        () -> {
          ObjectId id = Ids.parse(merchantId, "merchantId");
          return cache.get(
              id.toHexString(),
              () -> mongo.findOne(new Query(Criteria.where("_id").is(id)), Merchant.class));
        });
  }

  /**
   * The merchant's canonical id, or a 404 problem when there is no such merchant. A CLOSED merchant
   * still exists here: its data stays readable. Routes that create or change things for a merchant
   * use {@link #requireOpen}.
   */
  public Mono<String> require(String merchantId) {
    return find(merchantId)
        .map(m -> m.id().toHexString())
        .switchIfEmpty(Mono.error(() -> ApiException.notFound("merchant", merchantId)));
  }

  /**
   * Like {@link #require}, for writes: the merchant's canonical id when it exists and its status
   * accepts writes ({@link MerchantStatus#acceptsWrites}); 404 when there is no such merchant, 409
   * with the reason when it is suspended or closed. Read from MongoDB, not the cache: a suspension
   * takes effect on the next write on every replica.
   */
  public Mono<String> requireOpen(String merchantId) {
    return Mono.defer(
        () -> {
          ObjectId id = Ids.parse(merchantId, "merchantId");
          Query q = new Query(Criteria.where("_id").is(id));
          q.fields().include("status");
          return mongo
              .findOne(q, Document.class, Merchant.COLLECTION)
              .switchIfEmpty(Mono.error(() -> ApiException.notFound("merchant", merchantId)))
              .flatMap(
                  m -> {
                    MerchantStatus status = MerchantStatus.of(m.getString("status"));
                    return status.acceptsWrites()
                        ? Mono.just(id.toHexString())
                        : Mono.error(status.writeRefused(id.toHexString()));
                  });
        });
  }
}
