package io.kaleem.api.merchants;

import jakarta.validation.constraints.Size;

/**
 * Filters of the merchant list; one at a time, as the index catalog allows. With {@code
 * subscriptionStatus} the list is sorted by {@code renewal} (the period end, soonest first).
 *
 * @param status merchants in this status
 * @param planId merchants subscribed to this plan
 * @param subscriptionStatus merchants whose subscription is in this state
 * @param q search in the Arabic or English name and the slug
 */
public record MerchantListFilter(
    MerchantStatus status,
    String planId,
    SubscriptionStatus subscriptionStatus,
    @Size(max = 100) String q) {}
