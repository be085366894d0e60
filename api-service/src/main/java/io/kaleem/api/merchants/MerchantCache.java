package io.kaleem.api.merchants;

import io.kaleem.api.cache.CacheRegion;
import io.kaleem.api.cache.TwoLevelCache;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The cached merchant profile ({@code merchant:<id>}): what every merchant-scoped request checks
 * (does the merchant exist) and what login and refresh read (its subscription). Every change to a
 * merchant document goes through {@link MerchantService}, which evicts it after the write.
 */
@Component
public class MerchantCache {

  private final TwoLevelCache cache;
  private final CacheRegion<Merchant> byId;

  public MerchantCache(TwoLevelCache cache) {
    this.cache = cache;
    this.byId = cache.region("merchant", Merchant.class);
  }

  /** {@code merchantId} is canonical (24 lower-case hex). */
  Mono<Merchant> get(String merchantId, Supplier<Mono<Merchant>> loader) {
    return cache.get(byId, merchantId, loader);
  }

  Mono<Void> changed(String merchantId) {
    return cache.evict(byId, merchantId);
  }
}
