package io.kaleem.api.demo;

/**
 * The demo account names the demo data and the demo sign-ins share: the demo owner signs into the
 * demo data's showcase store (the one with most of the products), not into an empty one.
 */
public final class DemoAccounts {

  /** The demo merchant owner; owner of {@link #SHOWCASE_STORE} when the demo data is loaded. */
  public static final String OWNER_EMAIL = "owner@demo.kaleem.io";

  /** The demo data's largest store (two thirds of its products, orders and tickets). */
  public static final String SHOWCASE_STORE = "kaleem-store";

  private DemoAccounts() {}
}
