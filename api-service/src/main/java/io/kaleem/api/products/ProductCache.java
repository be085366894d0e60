package io.kaleem.api.products;

import io.kaleem.api.cache.CacheRegion;
import io.kaleem.api.cache.KeyHash;
import io.kaleem.api.cache.TwoLevelCache;
import io.kaleem.api.pagination.Page;
import io.kaleem.api.pagination.PageParams;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;

/**
 * The cached reads of products: one product by id ({@code product:<merchant>:<product>}) and the
 * first page of a merchant's list per filter, sort and limit ({@code
 * product-page:<merchant>:<generation>:<hash>}). Every write to a product, stock changes by orders
 * included, goes through {@link #changed} or {@link #added}: the product's key is evicted and the
 * merchant's page generation moves on, so no page that could list it is served again.
 */
@Component
public class ProductCache {

  private final TwoLevelCache cache;
  final CacheRegion<Product> byId;
  final CacheRegion<Page<Product>> firstPages;

  public ProductCache(TwoLevelCache cache) {
    this.cache = cache;
    this.byId = cache.region("product", Product.class);
    this.firstPages = cache.region("product-page", new TypeReference<Page<Product>>() {});
  }

  Mono<Product> get(String merchantId, String productId, Supplier<Mono<Product>> loader) {
    return cache.get(byId, merchantId + ":" + productId, loader);
  }

  /** The first page for this filter, or {@code loader}'s page; later pages are not cached. */
  Mono<Page<Product>> firstPage(
      String merchantId,
      ProductListFilter filter,
      PageParams page,
      Supplier<Mono<Page<Product>>> loader) {
    if (page.cursor() != null) {
      return Mono.defer(loader);
    }
    String hash = KeyHash.of(filter + "|" + page.limit() + "|" + page.sort());
    return cache
        .generation(pagesOf(merchantId))
        .flatMap(gen -> cache.get(firstPages, merchantId + ":" + gen + ":" + hash, loader));
  }

  /** Keys ({@code <merchant>:<product>}) of the products this instance's L1 reads most. */
  java.util.List<String> hottest(int limit) {
    return cache.hottest(byId, limit);
  }

  /** A product changed (fields, status, stock): its key and the merchant's pages go. */
  public Mono<Void> changed(String merchantId, String productId) {
    return cache.evict(byId, merchantId + ":" + productId).then(added(merchantId));
  }

  /** Products were added to the merchant's catalogue: its pages go. */
  public Mono<Void> added(String merchantId) {
    return cache.bumpGeneration(pagesOf(merchantId));
  }

  private static String pagesOf(String merchantId) {
    return "product-page." + merchantId;
  }
}
