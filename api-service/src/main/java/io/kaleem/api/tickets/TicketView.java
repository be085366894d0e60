package io.kaleem.api.tickets;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * A ticket as clients see it. A single ticket carries its {@code messages}; list rows leave them
 * out (up to 500 messages each) and give {@code messageCount}.
 */
public record TicketView(
    String id,
    String merchantId,
    long number,
    String subject,
    String customerId,
    String orderId,
    TicketStatus status,
    TicketPriority priority,
    String assigneeId,
    int messageCount,
    @JsonInclude(JsonInclude.Include.NON_NULL) List<Ticket.Message> messages,
    Instant createdAt,
    Instant updatedAt) {

  static TicketView of(Ticket t) {
    return view(t, t.messages() == null ? List.of() : t.messages());
  }

  static TicketView summary(Ticket t) {
    return view(t, null);
  }

  private static TicketView view(Ticket t, List<Ticket.Message> messages) {
    return new TicketView(
        t.id().toHexString(),
        t.merchantId(),
        t.number(),
        t.subject(),
        t.customerId(),
        t.orderId(),
        t.status(),
        t.priority(),
        t.assigneeId(),
        t.messageCount(),
        messages,
        t.createdAt(),
        t.updatedAt());
  }
}
