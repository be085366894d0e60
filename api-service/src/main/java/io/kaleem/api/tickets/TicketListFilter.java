package io.kaleem.api.tickets;

import jakarta.validation.constraints.Size;

/**
 * Filters of the ticket list; one at a time, as the index catalog's tickets indexes allow.
 *
 * @param status tickets in this status
 * @param priority tickets of this priority
 * @param assigneeId tickets assigned to this user
 * @param customerId tickets of this customer
 * @param q search in the subject and messages
 */
public record TicketListFilter(
    TicketStatus status,
    TicketPriority priority,
    String assigneeId,
    String customerId,
    @Size(max = 100) String q) {}
