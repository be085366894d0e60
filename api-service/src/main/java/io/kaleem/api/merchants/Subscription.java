package io.kaleem.api.merchants;

import java.time.Instant;

/**
 * A merchant's subscription to a plan, embedded in the merchant document.
 *
 * @param planId the plan (24-hex id)
 * @param currentPeriodStart start of the period paid for
 * @param currentPeriodEnd end of that period: when the next renewal is due
 * @param autoRenew whether the subscription renews at the end of the period
 */
public record Subscription(
    String planId,
    SubscriptionStatus status,
    Instant currentPeriodStart,
    Instant currentPeriodEnd,
    boolean autoRenew) {}
