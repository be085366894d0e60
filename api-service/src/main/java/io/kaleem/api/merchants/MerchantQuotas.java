package io.kaleem.api.merchants;

import io.kaleem.api.common.LeaseLock;
import io.kaleem.api.errors.ApiException;
import io.kaleem.api.plans.Plan;
import io.kaleem.api.plans.PlanLimits;
import io.kaleem.api.plans.PlanService;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * What a merchant's plan allows, from the plan document ({@code limits}): the one source for the
 * product and staff quotas (the request budget reads the same documents, {@code
 * plans.PlanBudgets}). Both look-ups go through the caches, evicted on every merchant or plan
 * change. A merchant without a live subscription (none, or cancelled) has no plan quota.
 *
 * <p>{@link #within} counts and writes holding the merchant's quota lock ({@code quota_locks}, one
 * lease document per merchant and quota, taken only when the plan sets a limit): two concurrent
 * creations at the last free place are serialised, the second counts the first's write and is
 * refused. Product and staff creations both come through it.
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

  static final String LOCKS = "quota_locks";

  private final MerchantScope merchants;
  private final PlanService plans;
  private final LeaseLock locks;

  public MerchantQuotas(
      MerchantScope merchants, PlanService plans, ReactiveMongoTemplate mongo, Clock clock) {
    this.merchants = merchants;
    this.plans = plans;
    this.locks =
        new LeaseLock(
            mongo,
            clock,
            LOCKS,
            Duration.ofSeconds(30),
            "Other creations for this merchant are in progress; retry the request");
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
   * Runs {@code write}, which adds {@code adding} of {@code quota}, when the merchant's plan allows
   * that many more beyond the {@code current} count; a 409 naming the limit otherwise, and {@code
   * write} is not run (a batch is refused whole). When the plan sets a limit, the count and the
   * write happen holding the merchant's lock for this quota, so the count includes every write that
   * finished before and none can start until this one is done: concurrent creations never pass the
   * limit together. Every writer of this quota must come through here for that to hold.
   */
  public <T> Mono<T> within(
      String merchantId, Quota quota, int adding, Mono<Long> current, Supplier<Mono<T>> write) {
    return limitsOf(merchantId)
        .map(Optional::of)
        .defaultIfEmpty(Optional.empty())
        .flatMap(
            limits ->
                limits.isEmpty()
                    ? Mono.defer(write)
                    : locks.holding(
                        merchantId + ":" + quota.field,
                        () ->
                            allowed(quota.of(limits.get()), quota, adding, current)
                                .then(Mono.defer(write))));
  }

  private static Mono<Void> allowed(int limit, Quota quota, int adding, Mono<Long> current) {
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
                                + n
                                + (adding == 1 ? "" : " and the batch adds " + adding))
                        .with("reason", "plan-limit")
                        .with("limit", quota.field)
                        .with("allowed", limit)));
  }
}
