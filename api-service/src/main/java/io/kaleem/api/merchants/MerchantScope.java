package io.kaleem.api.merchants;

import io.kaleem.api.common.Ids;
import io.kaleem.api.errors.ApiException;
import org.bson.Document;
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

  public MerchantScope(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  /** The merchant's canonical id, or a 404 problem when there is no such merchant. */
  public Mono<String> require(String merchantId) {
    return Mono.defer(
        () -> {
          var id = Ids.parse(merchantId, "merchantId");
          Query q = new Query(Criteria.where("_id").is(id));
          q.fields().include("_id");
          return mongo
              .exists(q, Document.class, "merchants")
              .flatMap(
                  found ->
                      found
                          ? Mono.just(id.toHexString())
                          : Mono.error(ApiException.notFound("merchant", merchantId)));
        });
  }
}
