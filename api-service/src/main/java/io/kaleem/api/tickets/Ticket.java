package io.kaleem.api.tickets;

import java.time.Instant;
import java.util.List;
import org.bson.types.ObjectId;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A support ticket as stored. {@code number} is the merchant's ticket sequence; {@code version}
 * grows with every change and guards updates that depend on what was read (appending a message
 * rewrites the bounded {@code searchTerms} from the subject and message bodies).
 */
@Document(Ticket.COLLECTION)
public record Ticket(
    @Id ObjectId id,
    String merchantId,
    long number,
    String subject,
    String customerId,
    String orderId,
    TicketStatus status,
    TicketPriority priority,
    String assigneeId,
    List<Message> messages,
    int messageCount,
    long version,
    List<String> searchTerms,
    Instant createdAt,
    Instant updatedAt) {

  public static final String COLLECTION = "tickets";

  /** One message of the conversation. */
  public record Message(String id, String authorId, String body, Instant createdAt) {}
}
