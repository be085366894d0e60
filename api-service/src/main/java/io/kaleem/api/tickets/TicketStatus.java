package io.kaleem.api.tickets;

import java.util.EnumSet;
import java.util.Set;

/**
 * A support ticket's life: OPEN ↔ PENDING (waiting on the customer), OPEN/PENDING → RESOLVED,
 * RESOLVED → OPEN (reopened), and any status → CLOSED, which is final.
 */
public enum TicketStatus {
  OPEN,
  PENDING,
  RESOLVED,
  CLOSED;

  /** The statuses this one may move to. */
  public Set<TicketStatus> next() {
    return switch (this) {
      case OPEN -> EnumSet.of(PENDING, RESOLVED, CLOSED);
      case PENDING -> EnumSet.of(OPEN, RESOLVED, CLOSED);
      case RESOLVED -> EnumSet.of(OPEN, CLOSED);
      case CLOSED -> EnumSet.noneOf(TicketStatus.class);
    };
  }

  public boolean canMoveTo(TicketStatus target) {
    return next().contains(target);
  }
}
