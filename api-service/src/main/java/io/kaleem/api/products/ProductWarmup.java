package io.kaleem.api.products;

import io.kaleem.api.cache.CacheWarmup;
import io.kaleem.api.cache.WarmingTarget;
import io.kaleem.api.merchants.ActiveMerchants;
import io.kaleem.api.pagination.PageParams;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Warms each active merchant's first product page (as staff and as customers see it) and the
 * products this instance's L1 reads most (Caffeine's frequency sketch ranks them).
 */
@Component
class ProductWarmup implements CacheWarmup {

  private static final ProductListFilter DEFAULT = new ProductListFilter(null, null, null, null);
  private static final PageParams FIRST = new PageParams(null, null, null, null);

  private final ProductService products;
  private final ProductCache cache;
  private final ActiveMerchants merchants;

  ProductWarmup(ProductService products, ProductCache cache, ActiveMerchants merchants) {
    this.products = products;
    this.cache = cache;
    this.merchants = merchants;
  }

  @Override
  public WarmingTarget target() {
    return WarmingTarget.products;
  }

  @Override
  public Flux<Mono<?>> loads(Scope scope) {
    Flux<Mono<?>> pages =
        merchants
            .ids(scope.maxMerchants())
            .concatMap(
                m ->
                    Flux.just(
                        products.list(m, DEFAULT, FIRST),
                        products.list(m, DEFAULT.activeOnly(), FIRST)));
    Flux<Mono<?>> hot =
        Flux.defer(() -> Flux.fromIterable(cache.hottest(scope.hotProducts())))
            .map(
                key -> {
                  int colon = key.indexOf(':');
                  return products.get(key.substring(0, colon), key.substring(colon + 1));
                });
    return pages.concatWith(hot);
  }
}
