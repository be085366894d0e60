package io.kaleem.api.orders;

import java.util.EnumSet;
import java.util.Set;

/**
 * An order's life: PENDING → PAID → SHIPPED → DELIVERED, or CANCELLED from PENDING or PAID (which
 * returns the reserved stock). DELIVERED and CANCELLED are final.
 */
public enum OrderStatus {
  PENDING,
  PAID,
  SHIPPED,
  DELIVERED,
  CANCELLED;

  /** The statuses this one may move to. */
  public Set<OrderStatus> next() {
    return switch (this) {
      case PENDING -> EnumSet.of(PAID, CANCELLED);
      case PAID -> EnumSet.of(SHIPPED, CANCELLED);
      case SHIPPED -> EnumSet.of(DELIVERED);
      case DELIVERED, CANCELLED -> EnumSet.noneOf(OrderStatus.class);
    };
  }

  public boolean canMoveTo(OrderStatus target) {
    return next().contains(target);
  }
}
