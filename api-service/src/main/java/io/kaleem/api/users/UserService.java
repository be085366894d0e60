package io.kaleem.api.users;

import io.kaleem.api.common.Ids;
import io.kaleem.api.common.Timestamps;
import io.kaleem.api.errors.ApiException;
import io.kaleem.api.merchants.MerchantQuotas;
import io.kaleem.api.merchants.MerchantScope;
import io.kaleem.api.merchants.MerchantService;
import io.kaleem.api.pagination.Filter;
import io.kaleem.api.pagination.Filters;
import io.kaleem.api.pagination.KeysetPager;
import io.kaleem.api.pagination.ListQuery;
import io.kaleem.api.pagination.Page;
import io.kaleem.api.pagination.PageParams;
import io.kaleem.api.pagination.SortOption;
import io.kaleem.api.pagination.SortSpec;
import io.kaleem.api.search.SearchText;
import io.kaleem.api.security.Role;
import io.kaleem.crds.indexes.IndexCatalog;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** Platform users: admins, merchant owners and staff, support agents and customers. */
@Service
public class UserService {

  static final SortSpec SORTS = SortSpec.of("-createdAt", SortOption.of("createdAt"));

  private final ReactiveMongoTemplate mongo;
  private final KeysetPager pager;
  private final MerchantService merchants;
  private final MerchantScope merchantScope;
  private final Clock clock;
  private final MerchantQuotas quotas;

  public UserService(
      ReactiveMongoTemplate mongo,
      KeysetPager pager,
      MerchantService merchants,
      MerchantScope merchantScope,
      Clock clock,
      MerchantQuotas quotas) {
    this.quotas = quotas;
    this.mongo = mongo;
    this.pager = pager;
    this.merchants = merchants;
    this.merchantScope = merchantScope;
    this.clock = clock;
  }

  /**
   * Creates an ACTIVE user. Merchant roles need the {@code merchantId} of an open merchant; other
   * roles must not name one. A registered email (in any case) is a 409.
   */
  public Mono<User> create(UserRequests.Create req) {
    String email = normalizeEmail(req.email());
    return Mono.defer(() -> merchantOf(req.role(), req.merchantId()))
        .flatMap(
            merchant ->
                merchant.id() == null
                    ? mongo.insert(newUser(req, email, null))
                    : quotas.within(
                        merchant.id(),
                        MerchantQuotas.Quota.STAFF,
                        1,
                        staffCount(merchant.id()),
                        () -> mongo.insert(newUser(req, email, merchant.id()))))
        .onErrorMap(
            DuplicateKeyException.class,
            e -> ApiException.conflict("Email '" + email + "' is already registered"));
  }

  public Mono<User> get(String userId) {
    return Mono.defer(() -> mongo.findOne(byId(userId, "userId"), User.class))
        .switchIfEmpty(Mono.error(() -> ApiException.notFound("user", userId)));
  }

  /**
   * The ACTIVE user of one of {@code roles} another resource's body refers to (an order's customer,
   * a ticket's assignee). Malformed, unknown, not active or of another role is a 400 on {@code
   * field}.
   */
  public Mono<User> requireActive(String userId, Collection<Role> roles, String field) {
    return Mono.defer(() -> mongo.findOne(activeWithRoles(userId, roles, field), User.class))
        .switchIfEmpty(
            Mono.error(
                () ->
                    ApiException.invalidField(
                        field, "names no active user with role " + List.copyOf(roles))));
  }

  /** The user with this (normalised) email, if any. */
  public Mono<User> findByEmail(String email) {
    return mongo.findOne(new Query(Criteria.where("email").is(normalizeEmail(email))), User.class);
  }

  /** The user if ACTIVE; empty when unknown or not active (refresh, invitations). */
  public Mono<User> findActive(String userId) {
    return Mono.defer(
        () ->
            mongo.findOne(
                byId(userId, "userId")
                    .addCriteria(Criteria.where("status").is(UserStatus.ACTIVE.name())),
                User.class));
  }

  /** The display name of an ACTIVE CUSTOMER; a 400 on {@code field} for anyone else. */
  public Mono<String> requireActiveCustomer(String userId, String field) {
    return Mono.defer(
            () -> mongo.findOne(activeWithRoles(userId, List.of(Role.CUSTOMER), field), User.class))
        .map(u -> u.name() == null ? "" : u.name())
        .switchIfEmpty(
            Mono.error(() -> ApiException.invalidField(field, "names no active customer")));
  }

  /**
   * Completes when the user is ACTIVE and a SUPPORT_AGENT, or a MERCHANT_OWNER/MERCHANT_STAFF of
   * {@code merchantId}; a 400 on {@code field} otherwise (a ticket's assignee or author).
   */
  public Mono<Void> requireAgentOf(String merchantId, String userId, String field) {
    return Mono.defer(
            () ->
                mongo.findOne(
                    activeWithRoles(
                        userId,
                        List.of(Role.SUPPORT_AGENT, Role.MERCHANT_OWNER, Role.MERCHANT_STAFF),
                        field),
                    User.class))
        .filter(u -> u.role() == Role.SUPPORT_AGENT || merchantId.equals(u.merchantId()))
        .switchIfEmpty(
            Mono.error(
                () ->
                    ApiException.invalidField(
                        field, "names no active support agent or staff member of this merchant")))
        .then();
  }

  public Mono<Page<User>> list(UserListFilter filter, PageParams page) {
    return Mono.fromCallable(() -> listQuery(filter)).flatMap(q -> pager.page(q, page));
  }

  /**
   * A merchant's owners and staff, newest first; {@code role} narrows to one of the two. An unknown
   * merchant is a 404.
   */
  public Mono<Page<User>> staff(String merchantId, Role role, PageParams page) {
    return merchantScope
        .require(merchantId)
        .map(
            m -> {
              if (role != null && !role.merchantBound()) {
                throw ApiException.invalidField("role", "must be one of " + Role.MERCHANT_ROLES);
              }
              List<Role> roles = role == null ? Role.MERCHANT_ROLES : List.of(role);
              return new ListQuery<>(
                  User.COLLECTION,
                  User.class,
                  List.of(
                      Filter.eq("merchantId", m),
                      Filter.in("role", roles.stream().map(Enum::name).toList())),
                  SORTS);
            })
        .flatMap(q -> pager.page(q, page));
  }

  /** Changes name, phone or status; email and role never change. */
  public Mono<User> update(String userId, UserRequests.Update req) {
    return get(userId)
        .map(current -> changes(current, req))
        .flatMap(u -> modify(byId(userId, "userId"), u))
        .switchIfEmpty(Mono.error(() -> ApiException.notFound("user", userId)));
  }

  /** Users are deactivated, not deleted: orders and tickets keep pointing at them. */
  public Mono<User> deactivate(String userId) {
    Update u =
        new Update().set("status", UserStatus.DEACTIVATED).set("updatedAt", Timestamps.now(clock));
    return Mono.defer(() -> modify(byId(userId, "userId"), u))
        .switchIfEmpty(Mono.error(() -> ApiException.notFound("user", userId)));
  }

  static ListQuery<User> listQuery(UserListFilter f) {
    Filters filters =
        Filters.none()
            .eq("role", f.role())
            .eq("status", f.status())
            .id("merchantId", f.merchantId())
            .search(f.q());
    return new ListQuery<>(User.COLLECTION, User.class, filters.list(), SORTS);
  }

  private Mono<MerchantRef> merchantOf(Role role, String merchantId) {
    if (role.merchantBound()) {
      if (merchantId == null) {
        return Mono.error(ApiException.invalidField("merchantId", "is required for role " + role));
      }
      return merchants.requireOpen(merchantId, "merchantId").map(MerchantRef::new);
    }
    if (merchantId != null) {
      return Mono.error(
          ApiException.invalidField("merchantId", "must not be given for role " + role));
    }
    return Mono.just(new MerchantRef(null));
  }

  /**
   * A merchant's owners and staff: what the plan's {@code limits.staff} bounds (owner included).
   */
  private Mono<Long> staffCount(String merchantId) {
    return mongo.count(
        new Query(
            Criteria.where("merchantId")
                .is(merchantId)
                .and("role")
                .in(Role.MERCHANT_ROLES.stream().map(Enum::name).toList())),
        User.class);
  }

  private User newUser(UserRequests.Create req, String email, String merchantId) {
    Instant now = Timestamps.now(clock);
    String name = req.name().strip();
    return new User(
        null,
        email,
        name,
        req.phone(),
        req.role(),
        UserStatus.ACTIVE,
        merchantId,
        searchTerms(name, email),
        now,
        now);
  }

  private Update changes(User current, UserRequests.Update req) {
    Update u = new Update().set("updatedAt", Timestamps.now(clock));
    if (req.name() != null) {
      String name = req.name().strip();
      u.set("name", name);
      u.set(IndexCatalog.SEARCH_FIELD, searchTerms(name, current.email()));
    }
    if (req.phone() != null && req.phone().isEmpty()) {
      u.unset("phone");
    } else if (req.phone() != null) {
      u.set("phone", req.phone());
    }
    if (req.status() != null) {
      u.set("status", req.status());
    }
    return u;
  }

  private Mono<User> modify(Query query, Update update) {
    return mongo.findAndModify(
        query, update, FindAndModifyOptions.options().returnNew(true), User.class);
  }

  private static String normalizeEmail(String email) {
    return email.strip().toLowerCase(Locale.ROOT);
  }

  private static List<String> searchTerms(String name, String email) {
    return SearchText.indexTerms(name, email.substring(0, email.indexOf('@')));
  }

  private static Query activeWithRoles(String userId, Collection<Role> roles, String field) {
    return byId(userId, field)
        .addCriteria(
            Criteria.where("status")
                .is(UserStatus.ACTIVE.name())
                .and("role")
                .in(roles.stream().map(Enum::name).toList()));
  }

  private static Query byId(String userId, String name) {
    return new Query(Criteria.where("_id").is(Ids.parse(userId, name)));
  }

  /** The merchant a new user belongs to, or none (Reactor carries no nulls). */
  private record MerchantRef(String id) {}
}
