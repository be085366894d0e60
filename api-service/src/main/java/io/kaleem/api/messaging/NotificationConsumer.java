package io.kaleem.api.messaging;

import io.kaleem.api.users.User;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.types.ObjectId;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import tools.jackson.databind.json.JsonMapper;

/**
 * Low-stock notifications to the merchant's dashboard and ticket notifications to the ticket's
 * assignee. Each is stored ({@link Notification}) and announced as a {@code notification.created}
 * event through the outbox, so the WebSocket gateway of every replica pushes it to the recipient's
 * open dashboards. An assignee that is not (yet) a user of the merchant is a failure: retried, then
 * dead-lettered, and replayable once the user exists.
 */
public class NotificationConsumer extends EventConsumer {

  public static final String NAME = "notifications";

  private final ReactiveMongoTemplate mongo;
  private final DomainEvents events;
  private final Clock clock;

  public NotificationConsumer(
      ReactiveMongoTemplate mongo,
      DomainEvents events,
      JsonMapper json,
      ProcessedEvents processed,
      Clock clock,
      MeterRegistry meters) {
    super(NAME, json, processed, clock, meters);
    this.mongo = mongo;
    this.events = events;
    this.clock = clock;
  }

  @Override
  protected void apply(EventEnvelope event) {
    EventType type = EventType.of(event.type());
    if (type == null || event.merchantId() == null) {
      return;
    }
    switch (type) {
      case PRODUCT_STOCK_LOW ->
          notify(
              event,
              null,
              "stock-low",
              "Stock of " + event.text("sku") + " is down to " + event.text("stock"));
      case TICKET_OPENED, TICKET_MESSAGE_ADDED, TICKET_STATUS_CHANGED -> {
        String assignee = event.text("assigneeId");
        if (assignee != null) {
          requireMerchantUser(event.merchantId(), assignee);
          notify(event, assignee, type.type(), "Ticket #" + event.text("number"));
        }
      }
      default -> {}
    }
  }

  private void requireMerchantUser(String merchantId, String userId) {
    boolean known =
        ObjectId.isValid(userId)
            && Boolean.TRUE.equals(
                mongo
                    .exists(
                        new Query(
                            Criteria.where("_id")
                                .is(new ObjectId(userId))
                                .and("merchantId")
                                .is(merchantId)),
                        User.class)
                    .block());
    if (!known) {
      throw new IllegalStateException(
          "assignee " + userId + " is not a user of merchant " + merchantId);
    }
  }

  private void notify(EventEnvelope source, String recipient, String kind, String subject) {
    Notification n =
        new Notification(
            NAME + ":" + source.id(),
            source.merchantId(),
            recipient,
            kind,
            subject,
            source.id(),
            clock.instant());
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("notificationId", n.id());
    data.put("recipientUserId", recipient);
    data.put("kind", kind);
    data.put("subject", subject);
    data.put("sourceEventId", source.id());
    try {
      events
          .insert(
              n,
              new EventOrigin(source.requestId()),
              stored ->
                  List.of(
                      new DomainEvents.NewEvent(
                          EventType.NOTIFICATION_CREATED, source.merchantId(), n.id(), data)))
          .block();
    } catch (DuplicateKeyException alreadyStored) {
      // An earlier delivery stored it, with its announcement in the same write.
    }
    events.moved(Notification.class, n.id(), n).block();
  }
}
