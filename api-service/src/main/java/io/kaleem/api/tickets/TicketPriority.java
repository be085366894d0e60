package io.kaleem.api.tickets;

public enum TicketPriority {
  LOW,
  NORMAL,
  HIGH,
  URGENT
}
