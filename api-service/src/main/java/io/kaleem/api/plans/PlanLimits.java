package io.kaleem.api.plans;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * What a subscription to a plan allows a merchant.
 *
 * @param products most products the merchant may keep
 * @param requestsPerMinute API requests per minute
 * @param staff most staff accounts (owner included)
 */
public record PlanLimits(
    @NotNull @Min(0) @Max(10_000_000) Integer products,
    @NotNull @Min(1) @Max(1_000_000) Integer requestsPerMinute,
    @NotNull @Min(0) @Max(100_000) Integer staff) {}
