package io.kaleem.api.merchants;

import io.kaleem.api.errors.ApiException;
import io.kaleem.api.plans.Plan;
import io.kaleem.api.plans.PlanLimits;
import io.kaleem.api.plans.PlanService;
import org.bson.types.ObjectId;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * What a merchant's plan allows, from the plan document ({@code limits}): the one source for the
 * product and staff quotas (the request budget reads the same documents, {@code
 * plans.PlanBudgets}). Both look-ups go through the caches, evicted on every merchant or plan
 * change. A merchant without a live subscription (none, or cancelled) has no plan quota.
 *
 * <p>The check counts, then the caller writes: two concurrent creations at the last free place may
 * both pass, so a quota can be exceeded by the number of concurrent creations (never by a client
 * acting alone, one request after another).
 */
@Component
public class MerchantQuotas {

  /** The limits of a plan, by name, as a client sees them in the 409. */
  public enum Quota {
    PRODUCTS("products"),
    STAFF("staff");

    private final String field;

    Quota(String field) {
      this.field = field;
    }

    int of(PlanLimits l) {
      return this == PRODUCTS ? l.products() : l.staff();
    }
  }

  private final MerchantScope merchants;
  private final PlanService plans;

  public MerchantQuotas(MerchantScope merchants, PlanService plans) {
    this.merchants = merchants;
    this.plans = plans;
  }

  /**
   * The plan the merchant subscribes to ({@code merchants.subscription.planId}); empty when it has
   * no subscription, a cancelled one, or a plan that no longer exists.
   */
  public Mono<Plan> planOf(String merchantId) {
    if (merchantId == null || !ObjectId.isValid(merchantId)) {
      return Mono.empty();
    }
    return merchants
        .find(merchantId)
        .mapNotNull(Merchant::subscription)
        .filter(s -> s.status() != SubscriptionStatus.CANCELLED)
        .mapNotNull(Subscription::planId)
        .filter(ObjectId::isValid)
        .flatMap(planId -> plans.find(planId, "planId"));
  }

  /** The limits of the merchant's subscribed plan; empty when it has no live subscription. */
  public Mono<PlanLimits> limitsOf(String merchantId) {
    return planOf(merchantId).mapNotNull(Plan::limits);
  }

  /**
   * Completes when the merchant may add {@code adding} more of {@code quota} beyond the {@code
   * current} count ({@code current} is asked only when a plan limits it); a 409 naming the limit
   * otherwise.
   */
  public Mono<Void> require(String merchantId, Quota quota, int adding, Mono<Long> current) {
    return limitsOf(merchantId)
        .flatMap(
            limits -> {
              int limit = quota.of(limits);
              return current.flatMap(
                  n ->
                      n + adding <= limit
                          ? Mono.<Void>empty()
                          : Mono.error(
                              ApiException.conflict(
                                      "The merchant's plan allows "
                                          + limit
                                          + " "
                                          + quota.field
                                          + "; it has "
                                          + n)
                                  .with("reason", "plan-limit")
                                  .with("limit", quota.field)
                                  .with("allowed", limit)));
            });
  }
}
