package io.kaleem.api.categories;

import io.kaleem.api.common.LocalizedText;
import java.time.Instant;
import java.util.List;

/** A category as clients see it; {@code ancestors} run from the root to the parent. */
public record CategoryView(
    String id,
    String merchantId,
    LocalizedText name,
    String slug,
    String parentId,
    List<String> ancestors,
    int depth,
    int sortOrder,
    Instant createdAt,
    Instant updatedAt) {

  static CategoryView of(Category c) {
    return new CategoryView(
        c.id().toHexString(),
        c.merchantId(),
        c.name(),
        c.slug(),
        c.parentId(),
        c.ancestors(),
        c.depth(),
        c.sortOrder(),
        c.createdAt(),
        c.updatedAt());
  }
}
