package io.kaleem.api.plans;

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
 * The cached plan catalogue: a plan by id ({@code plan:<id>}) and first pages of the plan list per
 * filter ({@code plan-page:<generation>:<hash>}). Plans change rarely and are read by every
 * catalogue page and every login; any plan write evicts the plan and moves the catalogue's page
 * generation on.
 */
@Component
public class PlanCache {

  private static final String PAGES = "plan-page";

  private final TwoLevelCache cache;
  private final CacheRegion<Plan> byId;
  private final CacheRegion<Page<Plan>> firstPages;

  public PlanCache(TwoLevelCache cache) {
    this.cache = cache;
    this.byId = cache.region("plan", Plan.class);
    this.firstPages = cache.region(PAGES, new TypeReference<Page<Plan>>() {});
  }

  Mono<Plan> get(String planId, Supplier<Mono<Plan>> loader) {
    return cache.get(byId, planId, loader);
  }

  Mono<Page<Plan>> firstPage(
      PlanListFilter filter, PageParams page, Supplier<Mono<Page<Plan>>> loader) {
    if (page.cursor() != null) {
      return Mono.defer(loader);
    }
    String hash = KeyHash.of(filter + "|" + page.limit() + "|" + page.sort());
    return cache.generation(PAGES).flatMap(gen -> cache.get(firstPages, gen + ":" + hash, loader));
  }

  /** A plan was created ({@code planId} null) or changed. */
  Mono<Void> changed(String planId) {
    Mono<Void> evict = planId == null ? Mono.empty() : cache.evict(byId, planId);
    return evict.then(cache.bumpGeneration(PAGES));
  }
}
