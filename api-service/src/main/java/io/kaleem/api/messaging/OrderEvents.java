package io.kaleem.api.messaging;

import io.kaleem.api.orders.Order;
import io.kaleem.api.orders.OrderStatus;
import io.kaleem.api.products.Product;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The events of an order's life, written by {@code OrderService} into the order document in the
 * same write as the change ({@link DomainEvents}), inside its detached steps (so a client that
 * disconnects cannot cut them off; the origin is captured before detaching).
 *
 * <p>{@code product.stock-low} fires for a line whose reservation took the product's stock from at
 * or above the threshold to below it: {@code stock < threshold <= stock + quantity}, read after the
 * order's reservation and recorded with the order's insert (no order, no notification). Two orders
 * racing across the threshold may both see the crossing or the later one may not; a duplicate
 * notification is harmless, and the next order below the threshold does not repeat it.
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

  /**
   * Inserts the order with {@code order.created} and a {@code product.stock-low} for each line that
   * crossed the threshold, in the one write; completes with the order as stored (id assigned). Move
   * the events with {@link #moved} once past any compensation.
   */
  public Mono<Order> insertPlaced(EventOrigin origin, Order o) {
    return stockLow(o)
        .flatMap(
            low ->
                events.insert(
                    o,
                    origin,
                    stored -> {
                      List<DomainEvents.NewEvent> all = new ArrayList<>();
                      all.add(
                          new DomainEvents.NewEvent(
                              EventType.ORDER_CREATED,
                              stored.merchantId(),
                              stored.id().toHexString(),
                              EventData.order(stored, null)));
                      all.addAll(low);
                      return all;
                    }));
  }

  /**
   * {@code update} of the order {@code current} to {@code to}, with its {@code order.cancelled} (a
   * cancellation) or {@code order.status-changed} event in the same write.
   */
  public Update statusChange(EventOrigin origin, Update update, Order current, OrderStatus to) {
    EventType type =
        to == OrderStatus.CANCELLED ? EventType.ORDER_CANCELLED : EventType.ORDER_STATUS_CHANGED;
    return events.mark(
        origin,
        update,
        type,
        current.merchantId(),
        current.id().toHexString(),
        current.status().name(),
        Map.of("status", to.name()));
  }

  /** Moves the order's recorded events to the outbox; completes with {@code o}. */
  public Mono<Order> moved(Order o) {
    return events.moved(Order.class, o.id(), o);
  }

  private Mono<List<DomainEvents.NewEvent>> stockLow(Order o) {
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
        .map(
            p ->
                new DomainEvents.NewEvent(
                    EventType.PRODUCT_STOCK_LOW,
                    p.merchantId(),
                    p.id().toHexString(),
                    EventData.stockLow(p, threshold)))
        .collectList();
  }
}
