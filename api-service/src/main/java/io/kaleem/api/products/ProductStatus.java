package io.kaleem.api.products;

import java.util.List;

public enum ProductStatus {
  DRAFT,
  ACTIVE,
  ARCHIVED;

  /** What a list shows when the client names no status: everything not archived. */
  static final List<ProductStatus> VISIBLE_BY_DEFAULT = List.of(DRAFT, ACTIVE);
}
