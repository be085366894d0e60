package io.kaleem.api.messaging;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A notification for a merchant's dashboard ({@code recipientUserId} null: every owner and staff
 * member of {@code merchantId}) or for one user (a ticket's assignee). Its {@code _id} is derived
 * from the event that caused it, so a consumer retry cannot create a second one.
 */
@Document(Notification.COLLECTION)
public record Notification(
    @Id String id,
    String merchantId,
    String recipientUserId,
    String kind,
    String subject,
    String sourceEventId,
    Instant createdAt) {

  public static final String COLLECTION = "notifications";
}
