package io.kaleem.api.products;

import io.kaleem.api.common.LocalizedText;
import io.kaleem.api.common.LongText;
import io.kaleem.api.money.Money;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** A product as clients see it: decimal price, string ids, no internal search terms. */
public record ProductView(
    String id,
    String merchantId,
    String sku,
    LocalizedText name,
    LongText description,
    BigDecimal price,
    String currency,
    int stock,
    ProductStatus status,
    String categoryId,
    List<String> tags,
    List<String> images,
    Instant createdAt,
    Instant updatedAt) {

  static ProductView of(Product p) {
    return new ProductView(
        p.id().toHexString(),
        p.merchantId(),
        p.sku(),
        p.name(),
        p.description(),
        Money.fromMinor(p.price(), p.currency()),
        p.currency(),
        p.stock(),
        p.status(),
        p.categoryId(),
        p.tags() == null ? List.of() : p.tags(),
        p.images() == null ? List.of() : p.images(),
        p.createdAt(),
        p.updatedAt());
  }
}
