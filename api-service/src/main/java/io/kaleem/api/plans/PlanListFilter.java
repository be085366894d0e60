package io.kaleem.api.plans;

import jakarta.validation.constraints.Size;

/**
 * Filters of the plan list. Sorting by {@code price} needs {@code active}; {@code q} combines with
 * no other filter (see the index catalog).
 *
 * @param active only active (true) or inactive (false) plans
 * @param q search in the plan's code and Arabic or English name
 */
public record PlanListFilter(Boolean active, @Size(max = 100) String q) {}
