package io.kaleem.api.security;

import org.springframework.stereotype.Component;

/** Plans' budgets from {@code kaleem.security.rate-limit.plans} and {@code default-plan}. */
@Component
class ConfiguredRequestBudgets implements RequestBudgets {

  private final SecurityProperties.RateLimit cfg;

  ConfiguredRequestBudgets(SecurityProperties props) {
    this.cfg = props.rateLimit();
  }

  @Override
  public PlanBudget forPlan(String plan) {
    if (plan == null || !cfg.plans().containsKey(plan)) {
      plan = cfg.defaultPlan();
    }
    return new PlanBudget(plan, cfg.forPlan(plan));
  }
}
