package io.kaleem.api.security;

/**
 * Where a plan's request budget comes from: the one seam between plans and rate limiting. The
 * request budget step asks it for every authenticated request, on the event loop, so it answers
 * from memory; an implementation backed by plan documents keeps a snapshot it refreshes on plan
 * writes. Today's implementation reads the configured table ({@link ConfiguredRequestBudgets}).
 */
public interface RequestBudgets {

  /**
   * The budget of callers on {@code plan} (a plan code, or null when the caller has none): the
   * named policy the RateLimit headers announce and its requests per window. A plan without a
   * budget of its own gets the default plan's, under the default plan's name.
   */
  PlanBudget forPlan(String plan);

  /**
   * @param policy the name in {@code RateLimit-Policy}, and part of the bucket's key
   * @param perWindow requests per {@code kaleem.security.rate-limit.window}
   */
  record PlanBudget(String policy, long perWindow) {}
}
