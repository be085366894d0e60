package io.kaleem.api.messaging;

import io.kaleem.api.merchants.MerchantScope;
import java.util.Map;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * A merchant's order statistics as the {@code merchant-statistics} consumer keeps them (eventually
 * consistent with the orders: they trail by the relay and consumer delay).
 */
@RestController
class MerchantStatisticsController {

  private final ReactiveMongoTemplate mongo;
  private final MerchantScope merchants;

  MerchantStatisticsController(ReactiveMongoTemplate mongo, MerchantScope merchants) {
    this.mongo = mongo;
    this.merchants = merchants;
  }

  @GetMapping("/api/v1/merchants/{merchantId}/statistics")
  Mono<MerchantStatistics> statistics(@PathVariable String merchantId) {
    return merchants
        .require(merchantId)
        .flatMap(
            m ->
                mongo
                    .findById(m, MerchantStatistics.class)
                    .defaultIfEmpty(new MerchantStatistics(m, 0L, 0L, Map.of(), null)));
  }
}
