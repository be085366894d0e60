package io.kaleem.api.orders;

import io.kaleem.api.common.LocalizedText;
import java.time.Instant;
import java.util.List;
import org.bson.types.ObjectId;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * An order as stored. Amounts are minor units of {@code currency}, computed by the server from the
 * product prices when the order was placed; {@code items} keep a snapshot of each product's SKU and
 * name. {@code idempotencyKey} (client's or generated) and {@code requestHash} make a retried POST
 * return this order instead of placing another.
 */
@Document(Order.COLLECTION)
public record Order(
    @Id ObjectId id,
    String merchantId,
    String customerId,
    long number,
    List<Item> items,
    String currency,
    long subtotal,
    long total,
    OrderStatus status,
    List<StatusChange> statusHistory,
    String idempotencyKey,
    String requestHash,
    ShippingAddress shippingAddress,
    String note,
    List<String> searchTerms,
    Instant createdAt,
    Instant updatedAt) {

  public static final String COLLECTION = "orders";

  /** One line: the product as it was sold. */
  public record Item(
      String productId,
      String sku,
      LocalizedText name,
      long unitPrice,
      int quantity,
      long lineTotal) {}

  /** One status change; the first entry ({@code from} null) records the placement. */
  public record StatusChange(OrderStatus from, OrderStatus to, Instant at, String reason) {}
}
