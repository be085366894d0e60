package io.kaleem.api.plans;

import io.kaleem.api.common.Ids;
import io.kaleem.api.common.LocalizedText;
import io.kaleem.api.common.Timestamps;
import io.kaleem.api.errors.ApiException;
import io.kaleem.api.money.Money;
import io.kaleem.api.pagination.Filters;
import io.kaleem.api.pagination.KeysetPager;
import io.kaleem.api.pagination.ListQuery;
import io.kaleem.api.pagination.Page;
import io.kaleem.api.pagination.PageParams;
import io.kaleem.api.pagination.SortOption;
import io.kaleem.api.pagination.SortSpec;
import io.kaleem.api.search.SearchText;
import io.kaleem.crds.indexes.IndexCatalog;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** The platform's subscription plans: price, billing interval and limits. */
@Service
public class PlanService {

  static final SortSpec SORTS =
      SortSpec.of("-createdAt", SortOption.of("createdAt"), SortOption.of("price"));

  private final ReactiveMongoTemplate mongo;
  private final KeysetPager pager;
  private final PlanCache cache;
  private final Clock clock;

  private final PlanBudgets budgets;

  public PlanService(
      ReactiveMongoTemplate mongo,
      KeysetPager pager,
      PlanCache cache,
      Clock clock,
      PlanBudgets budgets) {
    this.budgets = budgets;
    this.mongo = mongo;
    this.pager = pager;
    this.cache = cache;
    this.clock = clock;
  }

  /** Creates a plan; a taken {@code code} is a 409. */
  public Mono<Plan> create(PlanRequests.Create req) {
    return Mono.fromCallable(() -> newPlan(req))
        .flatMap(mongo::insert)
        .flatMap(p -> changed(null).thenReturn(p))
        .onErrorMap(
            DuplicateKeyException.class,
            e -> ApiException.conflict("Plan code '" + req.code() + "' is already used"));
  }

  /** The plan, active or not; a 404 when there is none. */
  public Mono<Plan> get(String planId) {
    return find(planId, "planId")
        .switchIfEmpty(Mono.error(() -> ApiException.notFound("plan", planId)));
  }

  /** The plan through the cache (a miss reads MongoDB), empty when there is none. */
  public Mono<Plan> find(String planId, String field) {
    return Mono.defer(
        () -> {
          Query q = byId(planId, field);
          return cache.get(Ids.canonical(planId, field), () -> mongo.findOne(q, Plan.class));
        });
  }

  /**
   * The active plan another resource refers to (a merchant subscribing to it). A malformed, unknown
   * or inactive plan is a 400 on {@code field}: the reference in the request body is what is wrong.
   */
  public Mono<Plan> requireActive(String planId, String field) {
    return Mono.defer(
            () -> {
              Query q = byId(planId, field);
              q.addCriteria(Criteria.where("active").is(true));
              return mongo.findOne(q, Plan.class);
            })
        .switchIfEmpty(Mono.error(() -> ApiException.invalidField(field, "names no active plan")));
  }

  public Mono<Page<Plan>> list(PlanListFilter filter, PageParams page) {
    return Mono.fromCallable(() -> listQuery(filter))
        .flatMap(q -> cache.firstPage(filter, page, () -> pager.page(q, page)));
  }

  /** Changes name, price, limits or active; {@code code} and {@code currency} never change. */
  public Mono<Plan> update(String planId, PlanRequests.Update req) {
    return Mono.defer(() -> mongo.findOne(byId(planId, "planId"), Plan.class))
        .map(current -> changes(current, req))
        .flatMap(
            update ->
                mongo.findAndModify(
                    byId(planId, "planId"),
                    update,
                    FindAndModifyOptions.options().returnNew(true),
                    Plan.class))
        .flatMap(p -> changed(p.id().toHexString()).thenReturn(p))
        .switchIfEmpty(Mono.error(() -> ApiException.notFound("plan", planId)));
  }

  /**
   * Plans are deactivated, never deleted: subscribed merchants keep theirs (and can renew it), but
   * no merchant can newly subscribe to an inactive plan.
   */
  public Mono<Plan> deactivate(String planId) {
    Update update = new Update().set("active", false).set("updatedAt", Timestamps.now(clock));
    return Mono.defer(
            () ->
                mongo.findAndModify(
                    byId(planId, "planId"),
                    update,
                    FindAndModifyOptions.options().returnNew(true),
                    Plan.class))
        .flatMap(p -> changed(p.id().toHexString()).thenReturn(p))
        .switchIfEmpty(Mono.error(() -> ApiException.notFound("plan", planId)));
  }

  /** Every plan write: the cached plan and pages go, the request budgets are read again. */
  private Mono<Void> changed(String planId) {
    return cache.changed(planId).then(budgets.reload());
  }

  static ListQuery<Plan> listQuery(PlanListFilter f) {
    Filters filters = Filters.none().eq("active", f.active()).search(f.q());
    return new ListQuery<>(Plan.COLLECTION, Plan.class, filters.list(), SORTS);
  }

  private Plan newPlan(PlanRequests.Create req) {
    long price = Money.toMinor(req.price(), req.currency(), "price");
    Instant now = Timestamps.now(clock);
    return new Plan(
        null,
        req.code(),
        req.name(),
        price,
        req.currency(),
        req.interval(),
        req.limits(),
        req.active() == null || req.active(),
        searchTerms(req.code(), req.name()),
        now,
        now);
  }

  private Update changes(Plan current, PlanRequests.Update req) {
    Update u = new Update().set("updatedAt", Timestamps.now(clock));
    if (req.name() != null) {
      u.set("name", req.name());
      u.set(IndexCatalog.SEARCH_FIELD, searchTerms(current.code(), req.name()));
    }
    if (req.price() != null) {
      u.set("price", Money.toMinor(req.price(), current.currency(), "price"));
    }
    if (req.limits() != null) {
      u.set("limits", req.limits());
    }
    if (req.active() != null) {
      u.set("active", req.active());
    }
    return u;
  }

  private static List<String> searchTerms(String code, LocalizedText name) {
    return SearchText.indexTerms(code.replace('-', ' '), name.both());
  }

  private static Query byId(String planId, String name) {
    return new Query(Criteria.where("_id").is(Ids.parse(planId, name)));
  }
}
