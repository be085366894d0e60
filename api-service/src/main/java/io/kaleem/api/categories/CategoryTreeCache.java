package io.kaleem.api.categories;

import io.kaleem.api.cache.CacheRegion;
import io.kaleem.api.cache.TwoLevelCache;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;

/**
 * The cached category tree of a merchant ({@code category-tree:<merchant>}). Every category write
 * evicts it when it ends, failed writes included (a move may have relinked part of a subtree).
 */
@Component
public class CategoryTreeCache {

  private final TwoLevelCache cache;
  private final CacheRegion<List<CategoryNode>> trees;

  public CategoryTreeCache(TwoLevelCache cache) {
    this.cache = cache;
    this.trees = cache.region("category-tree", new TypeReference<List<CategoryNode>>() {});
  }

  Mono<List<CategoryNode>> get(String merchantId, Supplier<Mono<List<CategoryNode>>> loader) {
    return cache.get(trees, merchantId, loader);
  }

  /** {@code write}, then the merchant's tree is evicted whatever the write's outcome. */
  <T> Mono<T> invalidating(String merchantId, Mono<T> write) {
    Mono<Void> evict = cache.evict(trees, merchantId);
    return write
        .flatMap(v -> evict.thenReturn(v))
        .switchIfEmpty(evict.then(Mono.empty()))
        .onErrorResume(e -> evict.then(Mono.error(e)));
  }
}
