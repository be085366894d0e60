package io.kaleem.api.products;

import io.kaleem.api.pagination.ListQuery;
import java.util.List;

/** Lets benchmarks build the product list query exactly as the API does. */
public final class ProductBenchAccess {

  private ProductBenchAccess() {}

  public static ListQuery<Product> defaultListQuery(String merchantId) {
    return ProductService.listQuery(merchantId, new ProductListFilter(List.of(), null, null, null));
  }
}
