package io.kaleem.api.tickets;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** What clients may send about a ticket: nothing else is accepted (unknown fields are 400). */
public final class TicketRequests {

  static final String OBJECT_ID = "^[0-9a-fA-F]{24}$";
  static final String ID_MESSAGE = "must be a 24-character hexadecimal id";

  private TicketRequests() {}

  /**
   * Open a ticket for a customer, with its first message (written by that customer).
   *
   * @param subject what it is about, up to 200 characters
   * @param customerId an ACTIVE user with role CUSTOMER
   * @param orderId optional: an order of this merchant placed by that customer
   * @param priority default NORMAL
   * @param assigneeId optional: a support agent, or an owner or staff member of the merchant
   * @param body the first message, up to 5000 characters
   */
  public record Create(
      @NotBlank @Size(max = 200) String subject,
      @NotNull @Pattern(regexp = OBJECT_ID, message = ID_MESSAGE) String customerId,
      @Pattern(regexp = OBJECT_ID, message = ID_MESSAGE) String orderId,
      TicketPriority priority,
      @Pattern(regexp = OBJECT_ID, message = ID_MESSAGE) String assigneeId,
      @NotBlank @Size(max = 5000) String body) {}

  /**
   * A partial update: absent (null) fields are left as they are.
   *
   * @param subject a new subject (not blank)
   * @param priority a new priority
   * @param assigneeId a new assignee; the empty string unassigns
   */
  public record Update(
      @Size(max = 200) @Pattern(regexp = "(?s).*\\S.*", message = "must not be blank")
          String subject,
      TicketPriority priority,
      @Pattern(regexp = "^([0-9a-fA-F]{24})?$", message = ID_MESSAGE + " (or empty to unassign)")
          String assigneeId) {}

  /**
   * A message appended to the conversation.
   *
   * @param authorId the ticket's customer, or a support agent, owner or staff member
   * @param body up to 5000 characters
   */
  public record NewMessage(
      @NotNull @Pattern(regexp = OBJECT_ID, message = ID_MESSAGE) String authorId,
      @NotBlank @Size(max = 5000) String body) {}

  /**
   * Move a ticket to another status.
   *
   * @param status the status wanted
   */
  public record StatusChange(@NotNull TicketStatus status) {}
}
