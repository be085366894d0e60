package io.kaleem.api.plans;

import io.kaleem.api.security.ConfiguredRequestBudgets;
import io.kaleem.api.security.RequestBudgets;
import io.kaleem.api.security.SecurityProperties;
import org.springframework.stereotype.Component;

/**
 * Request budgets from the plan documents ({@code limits.requestsPerMinute}, held in memory by
 * {@link PlanBudgets}, so the answer never waits on MongoDB on the event loop); a plan code with no
 * document falls back to the configured table.
 */
@Component
class PlanRequestBudgets implements RequestBudgets {

  private final PlanBudgets plans;
  private final ConfiguredRequestBudgets configured;

  PlanRequestBudgets(PlanBudgets plans, SecurityProperties props) {
    this.plans = plans;
    this.configured = new ConfiguredRequestBudgets(props);
  }

  @Override
  public PlanBudget forPlan(String plan) {
    long fromPlan = plan == null ? -1 : plans.perWindow(plan);
    return fromPlan >= 0 ? new PlanBudget(plan, fromPlan) : configured.forPlan(plan);
  }
}
