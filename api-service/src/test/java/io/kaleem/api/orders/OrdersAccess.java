package io.kaleem.api.orders;

import org.springframework.context.ApplicationContext;

/** Test access to the orders package's components that have no HTTP surface. */
public final class OrdersAccess {

  private OrdersAccess() {}

  /** Runs one expiry sweep of PENDING orders now; the number cancelled. */
  public static long sweepExpired(ApplicationContext context) {
    return context.getBean(PendingOrderExpiry.class).sweep().block();
  }
}
