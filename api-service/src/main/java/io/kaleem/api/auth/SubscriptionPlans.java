package io.kaleem.api.auth;

import io.kaleem.api.merchants.Merchant;
import io.kaleem.api.merchants.SubscriptionStatus;
import io.kaleem.api.plans.Plan;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The rate-limit plan of a merchant's owners and staff: the {@code code} of the plan the merchant
 * subscribes to ({@code merchants.subscription.planId} → {@code plans.code}), written into the
 * access token's {@code plan} claim at login and refresh. Empty when the merchant has no
 * subscription, a cancelled one, or a plan that no longer exists: the default plan applies.
 */
@Component
class SubscriptionPlans {

  private final ReactiveMongoTemplate mongo;

  SubscriptionPlans(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  Mono<String> codeOf(String merchantId) {
    if (merchantId == null || !ObjectId.isValid(merchantId)) {
      return Mono.empty();
    }
    Query merchant = new Query(Criteria.where("_id").is(new ObjectId(merchantId)));
    merchant.fields().include("subscription.planId").include("subscription.status");
    return mongo
        .findOne(merchant, Document.class, Merchant.COLLECTION)
        .mapNotNull(m -> m.get("subscription", Document.class))
        .filter(s -> !SubscriptionStatus.CANCELLED.name().equals(s.getString("status")))
        .mapNotNull(s -> s.getString("planId"))
        .filter(ObjectId::isValid)
        .flatMap(
            planId -> {
              Query plan = new Query(Criteria.where("_id").is(new ObjectId(planId)));
              plan.fields().include("code");
              return mongo.findOne(plan, Document.class, Plan.COLLECTION);
            })
        .mapNotNull(p -> p.getString("code"));
  }
}
