package io.kaleem.api.messaging;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every domain event the API publishes. The routing key on the topic exchange is the type itself
 * ({@code order.created}), so a consumer binds to {@code order.#} or to one exact type. The
 * catalogue, with each type's {@code data}, is docs/EVENTS.md.
 */
public enum EventType {
  ORDER_CREATED("order.created", Aggregate.ORDER),
  ORDER_STATUS_CHANGED("order.status-changed", Aggregate.ORDER),
  ORDER_CANCELLED("order.cancelled", Aggregate.ORDER),
  PRODUCT_CREATED("product.created", Aggregate.PRODUCT),
  PRODUCT_CHANGED("product.changed", Aggregate.PRODUCT),
  PRODUCT_ARCHIVED("product.archived", Aggregate.PRODUCT),
  PRODUCT_STOCK_LOW("product.stock-low", Aggregate.PRODUCT),
  TICKET_OPENED("ticket.opened", Aggregate.TICKET),
  TICKET_MESSAGE_ADDED("ticket.message-added", Aggregate.TICKET),
  TICKET_STATUS_CHANGED("ticket.status-changed", Aggregate.TICKET),
  MERCHANT_SUBSCRIPTION_CHANGED("merchant.subscription-changed", Aggregate.MERCHANT),
  NOTIFICATION_CREATED("notification.created", Aggregate.NOTIFICATION);

  /** The kind of thing an event is about; events of one aggregate are delivered in order. */
  public enum Aggregate {
    ORDER,
    PRODUCT,
    TICKET,
    MERCHANT,
    NOTIFICATION
  }

  /** The envelope version every type is published with today. */
  public static final int VERSION = 1;

  private static final Map<String, EventType> BY_NAME =
      Arrays.stream(values()).collect(Collectors.toMap(EventType::type, Function.identity()));

  private final String type;
  private final Aggregate aggregate;

  EventType(String type, Aggregate aggregate) {
    this.type = type;
    this.aggregate = aggregate;
  }

  /** The envelope's {@code type} and the routing key. */
  public String type() {
    return type;
  }

  public Aggregate aggregate() {
    return aggregate;
  }

  /** The type named {@code name}, or null for a type this version does not know. */
  public static EventType of(String name) {
    return name == null ? null : BY_NAME.get(name);
  }
}
