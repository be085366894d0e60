package io.kaleem.api.categories;

import io.kaleem.api.cache.CacheWarmup;
import io.kaleem.api.cache.WarmingTarget;
import io.kaleem.api.merchants.ActiveMerchants;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Warms each active merchant's category tree. */
@Component
class CategoryWarmup implements CacheWarmup {

  private final CategoryService categories;
  private final ActiveMerchants merchants;

  CategoryWarmup(CategoryService categories, ActiveMerchants merchants) {
    this.categories = categories;
    this.merchants = merchants;
  }

  @Override
  public WarmingTarget target() {
    return WarmingTarget.categories;
  }

  @Override
  public Flux<Mono<?>> loads(Scope scope) {
    return merchants.ids(scope.maxMerchants()).map(categories::tree);
  }
}
