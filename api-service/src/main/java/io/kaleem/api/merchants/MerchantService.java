package io.kaleem.api.merchants;

import io.kaleem.api.common.Ids;
import io.kaleem.api.common.LocalizedText;
import io.kaleem.api.common.Timestamps;
import io.kaleem.api.errors.ApiException;
import io.kaleem.api.messaging.DomainEvents;
import io.kaleem.api.messaging.EventType;
import io.kaleem.api.money.Money;
import io.kaleem.api.pagination.Filters;
import io.kaleem.api.pagination.KeysetPager;
import io.kaleem.api.pagination.ListQuery;
import io.kaleem.api.pagination.Page;
import io.kaleem.api.pagination.PageParams;
import io.kaleem.api.pagination.SortOption;
import io.kaleem.api.pagination.SortSpec;
import io.kaleem.api.plans.Plan;
import io.kaleem.api.plans.PlanService;
import io.kaleem.api.search.SearchText;
import io.kaleem.api.security.CurrentUser;
import io.kaleem.api.security.Role;
import io.kaleem.crds.indexes.IndexCatalog;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import org.bson.Document;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Merchants on the platform and their plan subscriptions. Every change is one conditional atomic
 * update: the state it depends on is part of the update's criteria, so concurrent requests cannot
 * both succeed on stale reads.
 */
@Service
public class MerchantService {

  private static final SortOption CREATED = SortOption.of("createdAt");
  private static final SortOption RENEWAL =
      new SortOption("renewal", "subscription.currentPeriodEnd");

  static final SortSpec SORTS = SortSpec.of("-createdAt", CREATED, RENEWAL);

  /** With a subscription-state filter the only index orders by renewal date. */
  static final SortSpec RENEWAL_SORTS = SortSpec.of("renewal", CREATED, RENEWAL);

  private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());

  private static final PlanChoice NO_PLAN = new PlanChoice(null);

  private final ReactiveMongoTemplate mongo;
  private final KeysetPager pager;
  private final PlanService plans;
  private final MerchantScope scope;
  private final MerchantCache cache;
  private final Clock clock;

  private final DomainEvents events;
  private final CurrentUser currentUser;

  public MerchantService(
      ReactiveMongoTemplate mongo,
      KeysetPager pager,
      PlanService plans,
      MerchantScope scope,
      MerchantCache cache,
      Clock clock,
      DomainEvents events,
      CurrentUser currentUser) {
    this.events = events;
    this.currentUser = currentUser;
    this.mongo = mongo;
    this.pager = pager;
    this.plans = plans;
    this.scope = scope;
    this.cache = cache;
    this.clock = clock;
  }

  /**
   * Onboards a merchant (status ACTIVE). With {@code planId} the merchant is subscribed at once:
   * ACTIVE for one interval of that plan, auto-renewing. A taken slug is a 409; an unknown or
   * inactive plan a 400 on {@code planId}.
   */
  public Mono<Merchant> create(MerchantRequests.Create req) {
    return Mono.fromRunnable(
            () -> {
              requireCountry(req.country(), "country");
              Money.currency(req.currency(), "currency");
            })
        .then(
            req.planId() == null
                ? Mono.just(NO_PLAN)
                : plans.requireActive(req.planId(), "planId").map(PlanChoice::new))
        .map(choice -> newMerchant(req, choice.plan()))
        .flatMap(mongo::insert)
        .onErrorMap(
            DuplicateKeyException.class,
            e -> ApiException.conflict("Merchant slug '" + req.slug() + "' is already used"));
  }

  /**
   * Removes a merchant a registration created a moment ago and then could not finish (the owner's
   * email was taken): nothing refers to it yet, and its slug becomes free again.
   */
  public Mono<Void> discardUnclaimed(String merchantId) {
    return mongo.remove(byId(merchantId), Merchant.class).then(cache.changed(merchantId));
  }

  /** The merchant profile, through the cache; a 404 when there is none. */
  public Mono<Merchant> get(String merchantId) {
    return scope
        .find(merchantId)
        .switchIfEmpty(Mono.error(() -> ApiException.notFound("merchant", merchantId)));
  }

  /** The merchant as MongoDB has it now: for decisions a write is about to take. */
  private Mono<Merchant> current(String merchantId) {
    return Mono.defer(() -> mongo.findOne(byId(merchantId), Merchant.class))
        .switchIfEmpty(Mono.error(() -> ApiException.notFound("merchant", merchantId)));
  }

  /**
   * The canonical id of a merchant another resource's body refers to (a staff user's merchant).
   * Malformed, unknown or closed is a 400 on {@code field}: the reference is what is wrong.
   */
  public Mono<String> requireOpen(String merchantId, String field) {
    return Mono.defer(
        () -> {
          var id = Ids.parse(merchantId, field);
          Query q =
              new Query(
                  Criteria.where("_id").is(id).and("status").nin(MerchantStatus.refusingWrites()));
          q.fields().include("_id");
          return mongo
              .exists(q, Document.class, Merchant.COLLECTION)
              .flatMap(
                  found ->
                      found
                          ? Mono.just(id.toHexString())
                          : Mono.error(ApiException.invalidField(field, "names no open merchant")));
        });
  }

  public Mono<Page<Merchant>> list(MerchantListFilter filter, PageParams page) {
    return Mono.fromCallable(() -> listQuery(filter)).flatMap(q -> pager.page(q, page));
  }

  /**
   * Changes name, contact email, country or status (ACTIVE/SUSPENDED). Status is the platform's:
   * only a platform admin sets it (403 for anyone else), and only a platform admin changes a
   * suspended merchant. A closed merchant is a 409 for everyone.
   */
  public Mono<Merchant> update(String merchantId, MerchantRequests.Update req) {
    return currentUser
        .require()
        .flatMap(
            caller -> {
              boolean admin = caller.is(Role.PLATFORM_ADMIN);
              Ids.parse(merchantId, "merchantId");
              if (req.status() != null && !admin) {
                return Mono.error(
                    CurrentUser.forbidden(
                        "A merchant's status is set by the platform; owners cannot change it"));
              }
              if (req.status() == MerchantStatus.CLOSED) {
                return Mono.error(
                    ApiException.invalidField("status", "cannot be set; DELETE closes a merchant"));
              }
              if (req.country() != null) {
                requireCountry(req.country(), "country");
              }
              Query target = admin ? open(merchantId) : writable(merchantId);
              return current(merchantId)
                  .map(current -> changes(current, req))
                  .flatMap(u -> modify(target, u))
                  .switchIfEmpty(refused(merchantId));
            });
  }

  /**
   * Records an owner's request for another plan (an active one); the subscription itself is
   * unchanged until billing subscribes the merchant. A merchant that accepts no writes is a 409.
   */
  public Mono<Merchant> requestPlanChange(String merchantId, MerchantRequests.PlanChange req) {
    return currentUser
        .require()
        .flatMap(
            caller ->
                scope
                    .requireOpen(merchantId)
                    .then(plans.requireActive(req.planId(), "planId"))
                    .flatMap(
                        plan -> {
                          Instant now = Timestamps.now(clock);
                          return modify(
                              writable(merchantId),
                              new Update()
                                  .set(
                                      "planChangeRequest",
                                      new PlanChangeRequest(
                                          plan.id().toHexString(), caller.userId(), now))
                                  .set("updatedAt", now));
                        }))
        .switchIfEmpty(refused(merchantId));
  }

  /** The 409 of a conditional write that found the merchant in a status refusing it. */
  private Mono<Merchant> refused(String merchantId) {
    return Mono.defer(
        () ->
            current(merchantId)
                .flatMap(m -> Mono.error(MerchantStatus.of(m).writeRefused(merchantId))));
  }

  /**
   * Closes a merchant: status CLOSED, its subscription cancelled; the data is kept. Closing a
   * closed merchant changes nothing.
   */
  public Mono<Merchant> close(String merchantId) {
    return Mono.defer(
        () -> {
          Instant now = Timestamps.now(clock);
          return modify(
                  byId(merchantId),
                  new Update().set("status", MerchantStatus.CLOSED).set("updatedAt", now))
              .switchIfEmpty(Mono.error(() -> ApiException.notFound("merchant", merchantId)))
              .flatMap(
                  closed ->
                      modify(
                              byId(merchantId)
                                  .addCriteria(
                                      Criteria.where("subscription.status")
                                          .in(names(SubscriptionStatus.CANCELLABLE))),
                              new Update()
                                  .set("subscription.status", SubscriptionStatus.CANCELLED)
                                  .set("subscription.autoRenew", false)
                                  .set("updatedAt", now))
                          .defaultIfEmpty(closed));
        });
  }

  /**
   * Subscribes the merchant to an active plan, or moves it to another: status ACTIVE, a new period
   * starting now for one interval of the plan. A closed merchant is a 409.
   */
  public Mono<Merchant> subscribe(String merchantId, MerchantRequests.Subscribe req) {
    return Mono.fromRunnable(() -> Ids.parse(merchantId, "merchantId"))
        .then(plans.requireActive(req.planId(), "planId"))
        .flatMap(
            plan -> {
              Instant now = Timestamps.now(clock);
              Subscription s =
                  new Subscription(
                      plan.id().toHexString(),
                      SubscriptionStatus.ACTIVE,
                      now,
                      plan.interval().after(now),
                      req.autoRenew() == null || req.autoRenew());
              return modifyAnnounced(
                  merchantId,
                  open(merchantId),
                  new Update()
                      .set("subscription", s)
                      .unset("planChangeRequest")
                      .set("updatedAt", now));
            })
        .switchIfEmpty(explain(merchantId, m -> "Merchant is closed and cannot subscribe"))
        .flatMap(this::announceSubscription);
  }

  /** Moves {@code merchant.subscription-changed} to the outbox before the change is answered. */
  private Mono<Merchant> announceSubscription(Merchant m) {
    return events.moved(Merchant.class, m.id(), m);
  }

  /** {@link #modify} with {@code merchant.subscription-changed} recorded in the same write. */
  private Mono<Merchant> modifyAnnounced(String merchantId, Query query, Update update) {
    return events
        .mark(
            update,
            EventType.MERCHANT_SUBSCRIPTION_CHANGED,
            Ids.canonical(merchantId, "merchantId"),
            null,
            null,
            null)
        .flatMap(u -> modify(query, u));
  }

  /**
   * Advances an auto-renewing ACTIVE or PAST_DUE subscription whose period has ended by one
   * interval of its plan (the new period starts where the current one ends) and makes it ACTIVE.
   * Anything else, a period not yet due included, is a 409: a renewal pays for the period that is
   * due, never for periods ahead.
   */
  public Mono<Merchant> renew(String merchantId) {
    return current(merchantId)
        .flatMap(
            m -> {
              String blocker = renewBlocker(m, Timestamps.now(clock));
              if (blocker != null) {
                return Mono.error(ApiException.conflict(blocker));
              }
              Subscription s = m.subscription();
              return plans
                  .get(s.planId())
                  .flatMap(
                      plan -> {
                        Query unchanged =
                            open(merchantId)
                                .addCriteria(
                                    Criteria.where("subscription.planId")
                                        .is(s.planId())
                                        .and("subscription.currentPeriodEnd")
                                        .is(s.currentPeriodEnd())
                                        .and("subscription.autoRenew")
                                        .is(true)
                                        .and("subscription.status")
                                        .in(names(SubscriptionStatus.RENEWABLE)));
                        Update u =
                            new Update()
                                .set("subscription.status", SubscriptionStatus.ACTIVE)
                                .set("subscription.currentPeriodStart", s.currentPeriodEnd())
                                .set(
                                    "subscription.currentPeriodEnd",
                                    plan.interval().after(s.currentPeriodEnd()))
                                .set("updatedAt", Timestamps.now(clock));
                        return modifyAnnounced(merchantId, unchanged, u);
                      });
            })
        .switchIfEmpty(
            explain(
                merchantId,
                m -> {
                  String blocker = renewBlocker(m, Timestamps.now(clock));
                  return blocker != null
                      ? blocker
                      : "The subscription changed while renewing; read it and retry";
                }))
        .flatMap(this::announceSubscription);
  }

  /** Turns auto-renew off and cancels the subscription; no live subscription is a 409. */
  public Mono<Merchant> cancelSubscription(String merchantId) {
    return Mono.defer(
            () -> {
              Query live =
                  byId(merchantId)
                      .addCriteria(
                          Criteria.where("subscription.status")
                              .in(names(SubscriptionStatus.CANCELLABLE)));
              Update u =
                  new Update()
                      .set("subscription.status", SubscriptionStatus.CANCELLED)
                      .set("subscription.autoRenew", false)
                      .set("updatedAt", Timestamps.now(clock));
              return modifyAnnounced(merchantId, live, u);
            })
        .switchIfEmpty(
            explain(
                merchantId,
                m ->
                    m.subscription() == null
                        ? "Merchant has no subscription to cancel"
                        : "The subscription is already cancelled"))
        .flatMap(this::announceSubscription);
  }

  static ListQuery<Merchant> listQuery(MerchantListFilter f) {
    Filters filters =
        Filters.none()
            .eq("status", f.status())
            .id("subscription.planId", "planId", f.planId())
            .eq("subscription.status", f.subscriptionStatus())
            .search(f.q());
    SortSpec sorts = f.subscriptionStatus() != null ? RENEWAL_SORTS : SORTS;
    return new ListQuery<>(Merchant.COLLECTION, Merchant.class, filters.list(), sorts);
  }

  private static String renewBlocker(Merchant m, Instant now) {
    Subscription s = m.subscription();
    if (m.status() == MerchantStatus.CLOSED) {
      return "Merchant is closed";
    }
    if (s == null) {
      return "Merchant has no subscription to renew";
    }
    if (!s.autoRenew()) {
      return "The subscription does not auto-renew";
    }
    if (!SubscriptionStatus.RENEWABLE.contains(s.status())) {
      return "A " + s.status() + " subscription cannot be renewed";
    }
    if (s.currentPeriodEnd().isAfter(now)) {
      return "The current period is paid until "
          + s.currentPeriodEnd()
          + "; a renewal applies only once it is due";
    }
    return null;
  }

  private Merchant newMerchant(MerchantRequests.Create req, Plan plan) {
    Instant now = Timestamps.now(clock);
    Subscription subscription =
        plan == null
            ? null
            : new Subscription(
                plan.id().toHexString(),
                SubscriptionStatus.ACTIVE,
                now,
                plan.interval().after(now),
                true);
    return new Merchant(
        null,
        req.name(),
        req.slug(),
        normalizeEmail(req.contactEmail()),
        req.country(),
        req.currency(),
        MerchantStatus.ACTIVE,
        subscription,
        null,
        searchTerms(req.name(), req.slug()),
        now,
        now);
  }

  private Update changes(Merchant current, MerchantRequests.Update req) {
    Update u = new Update().set("updatedAt", Timestamps.now(clock));
    if (req.name() != null) {
      u.set("name", req.name());
      u.set(IndexCatalog.SEARCH_FIELD, searchTerms(req.name(), current.slug()));
    }
    if (req.contactEmail() != null) {
      u.set("contactEmail", normalizeEmail(req.contactEmail()));
    }
    if (req.country() != null) {
      u.set("country", req.country());
    }
    if (req.status() != null) {
      u.set("status", req.status());
    }
    return u;
  }

  /** Every change to a merchant document: the cached profile is evicted before it returns. */
  private Mono<Merchant> modify(Query query, Update update) {
    return mongo
        .findAndModify(
            query, update, FindAndModifyOptions.options().returnNew(true), Merchant.class)
        .flatMap(m -> cache.changed(m.id().toHexString()).thenReturn(m));
  }

  /**
   * Why a conditional update matched nothing: no such merchant (404), or its state (409, with the
   * reason the function gives for the merchant as it is now).
   */
  private Mono<Merchant> explain(String merchantId, Function<Merchant, String> reason) {
    return Mono.defer(
        () -> current(merchantId).flatMap(m -> Mono.error(ApiException.conflict(reason.apply(m)))));
  }

  private static void requireCountry(String country, String field) {
    if (!COUNTRIES.contains(country)) {
      throw ApiException.invalidField(field, "is not an ISO 3166 alpha-2 country code");
    }
  }

  private static String normalizeEmail(String email) {
    return email.strip().toLowerCase(Locale.ROOT);
  }

  private static List<String> searchTerms(LocalizedText name, String slug) {
    return SearchText.indexTerms(name.both(), slug.replace('-', ' '));
  }

  private static List<String> names(List<SubscriptionStatus> statuses) {
    return statuses.stream().map(Enum::name).toList();
  }

  private static Query byId(String merchantId) {
    return new Query(Criteria.where("_id").is(Ids.parse(merchantId, "merchantId")));
  }

  /** The merchant, if its status accepts writes by its owners and staff. */
  private static Query writable(String merchantId) {
    return byId(merchantId)
        .addCriteria(Criteria.where("status").nin(MerchantStatus.refusingWrites()));
  }

  private static Query open(String merchantId) {
    return byId(merchantId).addCriteria(Criteria.where("status").ne(MerchantStatus.CLOSED.name()));
  }

  /** The plan a new merchant subscribes to, if any (Reactor carries no nulls). */
  private record PlanChoice(Plan plan) {}
}
