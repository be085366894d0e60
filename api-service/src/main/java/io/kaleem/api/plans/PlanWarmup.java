package io.kaleem.api.plans;

import io.kaleem.api.cache.CacheWarmup;
import io.kaleem.api.cache.WarmingTarget;
import io.kaleem.api.pagination.PageParams;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Warms the plan catalogue: its default first pages (all plans, active plans) and each plan. */
@Component
class PlanWarmup implements CacheWarmup {

  private static final PageParams FIRST = new PageParams(null, null, null, null);

  private final PlanService plans;

  PlanWarmup(PlanService plans) {
    this.plans = plans;
  }

  @Override
  public WarmingTarget target() {
    return WarmingTarget.plans;
  }

  @Override
  public Flux<Mono<?>> loads(Scope scope) {
    return Flux.just(new PlanListFilter(null, null), new PlanListFilter(true, null))
        .concatMap(
            f ->
                plans
                    .list(f, FIRST)
                    .flatMapMany(
                        page ->
                            Flux.<Mono<?>>just(Mono.just(page))
                                .concatWith(
                                    Flux.fromIterable(page.data())
                                        .map(p -> plans.get(p.id().toHexString())))));
  }
}
