package io.kaleem.api.orders;

import io.kaleem.api.errors.ApiException;
import io.kaleem.api.products.Product;
import io.kaleem.api.products.ProductCache;
import io.kaleem.api.products.ProductStatus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Takes and returns product stock for orders, one conditional single-document update per product:
 * {@code {_id, merchantId, status: ACTIVE, stock: {$gte: qty}}} with {@code $inc: {stock: -qty}}.
 * The condition and the decrement are one atomic step, so stock never goes below zero however many
 * orders race for the last items. There is no multi-document transaction: a failed line releases
 * the lines already taken (compensation).
 */
@Component
class StockLedger {

  private final ReactiveMongoTemplate mongo;
  private final ProductCache products;

  StockLedger(ReactiveMongoTemplate mongo, ProductCache products) {
    this.mongo = mongo;
    this.products = products;
  }

  /**
   * Reserves every line, in order. If one cannot be reserved, the ones already reserved are
   * released and the result is a 409 naming the product.
   */
  Mono<Void> reserve(String merchantId, List<Order.Item> items) {
    return Mono.defer(
        () -> {
          List<Order.Item> taken = new CopyOnWriteArrayList<>();
          return Flux.fromIterable(items)
              .concatMap(
                  item ->
                      take(merchantId, item)
                          .flatMap(
                              ok -> {
                                if (!ok) {
                                  return Mono.error(insufficient(item));
                                }
                                taken.add(item);
                                return Mono.empty();
                              }))
              .then()
              .onErrorResume(e -> release(merchantId, List.copyOf(taken)).then(Mono.error(e)));
        });
  }

  /** Returns the lines' quantities to stock (whatever the product's status is now). */
  Mono<Void> release(String merchantId, List<Order.Item> items) {
    return Flux.fromIterable(items)
        .concatMap(
            item ->
                mongo
                    .updateFirst(
                        new Query(
                            Criteria.where("_id")
                                .is(new ObjectId(item.productId()))
                                .and("merchantId")
                                .is(merchantId)),
                        new Update().inc("stock", item.quantity()),
                        Product.class)
                    .then(products.changed(merchantId, item.productId())))
        .then();
  }

  private Mono<Boolean> take(String merchantId, Order.Item item) {
    Query q =
        new Query(
            Criteria.where("_id")
                .is(new ObjectId(item.productId()))
                .and("merchantId")
                .is(merchantId)
                .and("status")
                .is(ProductStatus.ACTIVE.name())
                .and("stock")
                .gte(item.quantity()));
    return mongo
        .updateFirst(q, new Update().inc("stock", -item.quantity()), Product.class)
        .flatMap(
            r ->
                r.getModifiedCount() == 1
                    ? products.changed(merchantId, item.productId()).thenReturn(true)
                    : Mono.just(false));
  }

  static ApiException insufficient(Order.Item item) {
    return ApiException.conflict(
            "Not enough stock of product '"
                + item.sku()
                + "' ("
                + item.productId()
                + ") for a quantity of "
                + item.quantity())
        .with("productId", item.productId())
        .with("sku", item.sku())
        .with("requested", item.quantity());
  }
}
