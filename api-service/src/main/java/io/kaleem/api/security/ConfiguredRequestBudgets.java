package io.kaleem.api.security;

/**
 * Plans' budgets from {@code kaleem.security.rate-limit.plans} and {@code default-plan}: what a
 * plan without a budget of its own (no plan document, or the platform admins' {@code platform})
 * gets.
 */
public class ConfiguredRequestBudgets implements RequestBudgets {

  private final SecurityProperties.RateLimit cfg;

  public ConfiguredRequestBudgets(SecurityProperties props) {
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
