package io.kaleem.api.categories;

import io.kaleem.api.common.Ids;
import io.kaleem.api.errors.ApiException;
import org.bson.Document;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Checks that a category another resource points at exists and belongs to the same merchant. */
@Component
public class CategoryLookup {

  private final ReactiveMongoTemplate mongo;

  public CategoryLookup(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  /** Completes when the category is the merchant's; a 400 on {@code field} otherwise. */
  public Mono<Void> requireOwnedBy(String merchantId, String categoryId, String field) {
    if (categoryId == null) {
      return Mono.empty();
    }
    return Mono.defer(
        () -> {
          Query q =
              new Query(
                  Criteria.where("_id")
                      .is(Ids.parse(categoryId, field))
                      .and("merchantId")
                      .is(merchantId));
          return mongo
              .exists(q, Document.class, "categories")
              .flatMap(
                  found ->
                      found
                          ? Mono.<Void>empty()
                          : Mono.error(
                              ApiException.invalidField(
                                  field, "names no category of this merchant")));
        });
  }
}
