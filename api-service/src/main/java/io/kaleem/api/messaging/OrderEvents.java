package io.kaleem.api.messaging;

import io.kaleem.api.orders.Order;
import io.kaleem.api.orders.OrderStatus;
import io.kaleem.api.products.Product;
import java.util.Map;
import java.util.stream.Collectors;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The events of an order's life, recorded by {@code OrderService} inside its detached steps (so a
 * client that disconnects cannot cut them off; the origin is captured before detaching).
 *
 * <p>{@code product.stock-low} fires for a line whose reservation took the product's stock from at
 * or above the threshold to below it: {@code stock < threshold <= stock + quantity}, read after the
 * order's reservation. Two orders racing across the threshold may both see the crossing or the
 * later one may not; a duplicate notification is harmless, and the next order below the threshold
 * does not repeat it.
 */
@Component
public class OrderEvents {

  private final DomainEvents events;
  private final ReactiveMongoTemplate mongo;
  private final int threshold;

  OrderEvents(DomainEvents events, ReactiveMongoTemplate mongo, MessagingProperties props) {
    this.events = events;
    this.mongo = mongo;
    this.threshold = props.lowStockThreshold();
  }

  /** The request's origin, to be captured before the order's steps are detached. */
  public Mono<EventOrigin> origin() {
    return EventOrigin.current();
  }

  /** {@code order.created}, then {@code product.stock-low} for each line that crossed. */
  public Mono<Void> placed(EventOrigin origin, Order o) {
    String id = o.id().toHexString();
    return events
        .record(origin, EventType.ORDER_CREATED, o.merchantId(), id, EventData.order(o, null))
        .then(stockLow(origin, o));
  }

  /** {@code order.cancelled} for a cancellation, else {@code order.status-changed}. */
  public Mono<Void> statusChanged(EventOrigin origin, Order o, OrderStatus from) {
    EventType type =
        o.status() == OrderStatus.CANCELLED
            ? EventType.ORDER_CANCELLED
            : EventType.ORDER_STATUS_CHANGED;
    return events.record(
        origin, type, o.merchantId(), o.id().toHexString(), EventData.order(o, from.name()));
  }

  private Mono<Void> stockLow(EventOrigin origin, Order o) {
    Map<String, Integer> quantities =
        o.items().stream()
            .collect(Collectors.toMap(Order.Item::productId, Order.Item::quantity, Integer::sum));
    Query q =
        new Query(
            Criteria.where("_id")
                .in(quantities.keySet().stream().map(ObjectId::new).toList())
                .and("merchantId")
                .is(o.merchantId())
                .and("stock")
                .lt(threshold));
    return mongo
        .find(q, Product.class)
        .filter(p -> p.stock() + quantities.get(p.id().toHexString()) >= threshold)
        .concatMap(
            p ->
                events.record(
                    origin,
                    EventType.PRODUCT_STOCK_LOW,
                    p.merchantId(),
                    p.id().toHexString(),
                    EventData.stockLow(p, threshold)))
        .then();
  }
}
