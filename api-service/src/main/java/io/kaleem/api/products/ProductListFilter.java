package io.kaleem.api.products;

import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Filters of the product list. {@code status} defaults to draft and active; the other filters
 * combine with the sort as the index catalog allows (one of category, tag or search at a time).
 *
 * @param status one or more statuses
 * @param categoryId products of this category
 * @param tag products carrying this tag
 * @param q search in Arabic or English names, SKU and tags
 */
public record ProductListFilter(
    @Size(max = 3) List<ProductStatus> status,
    String categoryId,
    @Size(max = 40) String tag,
    @Size(max = 100) String q) {

  /** The same filter restricted to what customers may see: ACTIVE products only. */
  public ProductListFilter activeOnly() {
    return new ProductListFilter(List.of(ProductStatus.ACTIVE), categoryId, tag, q);
  }
}
