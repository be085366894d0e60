package io.kaleem.api.orders;

import io.kaleem.api.errors.ApiException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The quantity of each product a customer holds in PENDING (unpaid) orders at a merchant, capped at
 * {@code kaleem.orders.max-pending-quantity}: one customer cannot drain a stock with unpaid orders.
 * One document per (merchant, customer, product) in {@code pending_holds}, {@code _id} {@code
 * "<merchantId>:<customerId>:<productId>"}; taking is one conditional {@code $inc} ({@code qty <=
 * cap - quantity}), so concurrent orders of one customer never pass the cap together. An order's
 * hold is returned when it leaves PENDING (paid, cancelled or expired).
 */
@Component
class PendingHolds {

  static final String COLLECTION = "pending_holds";

  private final ReactiveMongoTemplate mongo;
  private final int cap;

  PendingHolds(
      ReactiveMongoTemplate mongo, @Value("${kaleem.orders.max-pending-quantity:100}") int cap) {
    this.mongo = mongo;
    this.cap = cap;
  }

  /** Holds every line, or none: over the cap is a 409 naming the product. */
  Mono<Void> take(String merchantId, String customerId, List<Order.Item> items) {
    return Mono.defer(
        () -> {
          List<Order.Item> taken = new CopyOnWriteArrayList<>();
          return Flux.fromIterable(items)
              .concatMap(
                  item ->
                      takeOne(merchantId, customerId, item)
                          .flatMap(
                              ok -> {
                                if (!ok) {
                                  return Mono.error(overCap(item));
                                }
                                taken.add(item);
                                return Mono.empty();
                              }))
              .then()
              .onErrorResume(
                  e -> release(merchantId, customerId, List.copyOf(taken)).then(Mono.error(e)));
        });
  }

  Mono<Void> release(String merchantId, String customerId, List<Order.Item> items) {
    return Flux.fromIterable(items)
        .concatMap(
            item ->
                mongo.updateFirst(
                    byId(merchantId, customerId, item),
                    new Update().inc("qty", -item.quantity()),
                    COLLECTION))
        .then();
  }

  private Mono<Boolean> takeOne(String merchantId, String customerId, Order.Item item) {
    if (item.quantity() > cap) {
      return Mono.just(false);
    }
    // Exists first (an upsert of zero), then one conditional increment: no upsert races on _id.
    Query id = byId(merchantId, customerId, item);
    return mongo
        .upsert(id, new Update().setOnInsert("qty", 0), COLLECTION)
        .then(
            mongo.updateFirst(
                byId(merchantId, customerId, item)
                    .addCriteria(Criteria.where("qty").lte(cap - item.quantity())),
                new Update().inc("qty", item.quantity()),
                COLLECTION))
        .map(r -> r.getModifiedCount() == 1);
  }

  private ApiException overCap(Order.Item item) {
    return ApiException.conflict(
            "You already hold the most unpaid units of product '"
                + item.sku()
                + "' allowed ("
                + cap
                + "); pay for or cancel a pending order first")
        .with("reason", "pending-quantity-cap")
        .with("productId", item.productId())
        .with("limit", cap);
  }

  private static Query byId(String merchantId, String customerId, Order.Item item) {
    return new Query(
        Criteria.where("_id").is(merchantId + ":" + customerId + ":" + item.productId()));
  }
}
