package io.kaleem.api.orders;

import io.kaleem.api.common.LocalizedText;
import io.kaleem.api.money.Money;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** An order as clients see it: decimal amounts, no idempotency internals or search terms. */
public record OrderView(
    String id,
    String merchantId,
    String customerId,
    long number,
    List<ItemView> items,
    String currency,
    BigDecimal subtotal,
    BigDecimal total,
    OrderStatus status,
    List<Order.StatusChange> statusHistory,
    ShippingAddress shippingAddress,
    String note,
    Instant createdAt,
    Instant updatedAt) {

  public record ItemView(
      String productId,
      String sku,
      LocalizedText name,
      BigDecimal unitPrice,
      int quantity,
      BigDecimal lineTotal) {}

  static OrderView of(Order o) {
    String c = o.currency();
    return new OrderView(
        o.id().toHexString(),
        o.merchantId(),
        o.customerId(),
        o.number(),
        o.items().stream()
            .map(
                i ->
                    new ItemView(
                        i.productId(),
                        i.sku(),
                        i.name(),
                        Money.fromMinor(i.unitPrice(), c),
                        i.quantity(),
                        Money.fromMinor(i.lineTotal(), c)))
            .toList(),
        c,
        Money.fromMinor(o.subtotal(), c),
        Money.fromMinor(o.total(), c),
        o.status(),
        o.statusHistory() == null ? List.of() : o.statusHistory(),
        o.shippingAddress(),
        o.note(),
        o.createdAt(),
        o.updatedAt());
  }
}
