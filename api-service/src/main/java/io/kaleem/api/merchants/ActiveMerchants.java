package io.kaleem.api.merchants;

import io.kaleem.api.pagination.PageParams;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The ids of ACTIVE merchants, newest first, through the merchant list (an indexed query). */
@Component
public class ActiveMerchants {

  private static final int PAGE = 100;
  private static final MerchantListFilter ACTIVE =
      new MerchantListFilter(MerchantStatus.ACTIVE, null, null, null);

  private final MerchantService merchants;

  public ActiveMerchants(MerchantService merchants) {
    this.merchants = merchants;
  }

  public Flux<String> ids(int max) {
    if (max <= 0) {
      return Flux.empty();
    }
    return merchants
        .list(ACTIVE, PageParams.first(Math.min(PAGE, max)))
        .expand(
            p ->
                p.page().hasNext()
                    ? merchants.list(
                        ACTIVE, new PageParams(PAGE, p.page().nextCursor(), null, null))
                    : Mono.empty())
        .concatMapIterable(p -> p.data())
        .map(m -> m.id().toHexString())
        .take(max);
  }
}
