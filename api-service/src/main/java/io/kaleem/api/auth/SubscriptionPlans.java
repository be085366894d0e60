package io.kaleem.api.auth;

import io.kaleem.api.merchants.MerchantScope;
import io.kaleem.api.merchants.SubscriptionStatus;
import io.kaleem.api.plans.PlanService;
import org.bson.types.ObjectId;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The rate-limit plan of a merchant's owners and staff: the {@code code} of the plan the merchant
 * subscribes to ({@code merchants.subscription.planId} → {@code plans.code}), written into the
 * access token's {@code plan} claim at login and refresh. Empty when the merchant has no
 * subscription, a cancelled one, or a plan that no longer exists: the default plan applies. Both
 * look-ups go through the cache: every login and refresh of a merchant's staff reads them.
 */
@Component
class SubscriptionPlans {

  private final MerchantScope merchants;
  private final PlanService plans;

  SubscriptionPlans(MerchantScope merchants, PlanService plans) {
    this.merchants = merchants;
    this.plans = plans;
  }

  Mono<String> codeOf(String merchantId) {
    if (merchantId == null || !ObjectId.isValid(merchantId)) {
      return Mono.empty();
    }
    return merchants
        .find(merchantId)
        .mapNotNull(m -> m.subscription())
        .filter(s -> s.status() != SubscriptionStatus.CANCELLED)
        .mapNotNull(s -> s.planId())
        .filter(ObjectId::isValid)
        .flatMap(planId -> plans.find(planId, "planId"))
        .mapNotNull(p -> p.code());
  }
}
