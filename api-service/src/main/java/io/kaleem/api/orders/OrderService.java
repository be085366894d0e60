package io.kaleem.api.orders;

import io.kaleem.api.commerce.ConditionalRetry;
import io.kaleem.api.commerce.CustomerScope;
import io.kaleem.api.commerce.Sequences;
import io.kaleem.api.common.Ids;
import io.kaleem.api.common.Timestamps;
import io.kaleem.api.errors.ApiException;
import io.kaleem.api.merchants.MerchantScope;
import io.kaleem.api.messaging.EventOrigin;
import io.kaleem.api.messaging.OrderEvents;
import io.kaleem.api.observability.business.BusinessMetrics;
import io.kaleem.api.pagination.Filters;
import io.kaleem.api.pagination.KeysetPager;
import io.kaleem.api.pagination.ListQuery;
import io.kaleem.api.pagination.Page;
import io.kaleem.api.pagination.PageParams;
import io.kaleem.api.pagination.SortOption;
import io.kaleem.api.pagination.SortSpec;
import io.kaleem.api.products.Product;
import io.kaleem.api.products.ProductStatus;
import io.kaleem.api.search.SearchText;
import io.kaleem.api.security.AuthenticatedUser;
import io.kaleem.api.security.CurrentUser;
import io.kaleem.api.security.Role;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bson.types.ObjectId;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * A merchant's orders: placing them (server-side pricing, atomic stock reservation, idempotent
 * retries), moving them through their status machine, and listing them.
 *
 * <p>MongoDB gives no multi-document transaction here, so placing an order is a sequence of
 * single-document atomic steps with compensation: reserve each line's stock, take a number, insert
 * the order; if a later step fails, the reserved stock is released. The unique index {@code
 * orders_idempotency} decides between concurrent requests with one Idempotency-Key: the loser
 * releases its reservation and answers with the winner's order.
 *
 * <p>Ownership: a CUSTOMER caller places orders only for themself ({@code customerId} must be the
 * token's subject, else 403), lists only their own orders, sees another customer's order as missing
 * (404), and may only cancel their own PENDING order. Other roles are limited by the route policy
 * alone.
 */
@Service
public class OrderService {

  static final SortSpec SORTS = SortSpec.of("-createdAt", SortOption.of("createdAt"));
  static final String SEQUENCE = "orders";
  static final Pattern IDEMPOTENCY_KEY = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");
  static final int MAX_TRANSITION_ATTEMPTS = 5;

  private final ReactiveMongoTemplate mongo;
  private final KeysetPager pager;
  private final MerchantScope merchants;
  private final CustomerScope customers;
  private final Sequences sequences;
  private final StockLedger stock;
  private final PendingHolds holds;
  private final Clock clock;
  private final CurrentUser currentUser;
  private final BusinessMetrics metrics;

  private final OrderEvents events;

  OrderService(
      ReactiveMongoTemplate mongo,
      KeysetPager pager,
      MerchantScope merchants,
      CustomerScope customers,
      Sequences sequences,
      StockLedger stock,
      PendingHolds holds,
      Clock clock,
      CurrentUser currentUser,
      BusinessMetrics metrics,
      OrderEvents events) {
    this.events = events;
    this.mongo = mongo;
    this.pager = pager;
    this.merchants = merchants;
    this.customers = customers;
    this.sequences = sequences;
    this.stock = stock;
    this.holds = holds;
    this.clock = clock;
    this.currentUser = currentUser;
    this.metrics = metrics;
  }

  /**
   * Places an order, or returns the order an earlier request with the same {@code idempotencyKey}
   * (same merchant and customer, same request) placed. {@code idempotencyKey} may be null: a random
   * key is then stored, and a retry places a new order.
   */
  public Mono<PlacedOrder> place(
      String merchantId, OrderRequests.Create req, String idempotencyKey) {
    return currentUser
        .require()
        .flatMap(caller -> merchants.requireOpen(merchantId).map(m -> new Scoped(m, caller)))
        .zipWith(events.origin())
        .flatMap(
            scopedAt -> {
              Scoped scoped = scopedAt.getT1();
              EventOrigin origin = scopedAt.getT2();
              return Mono.defer(
                  () -> {
                    String m = scoped.merchantId();
                    String customer = Ids.canonical(req.customerId(), "customerId");
                    List<OrderRequests.Line> lines = canonicalLines(req.items());
                    String hash = requestHash(customer, lines, req);
                    String key = idempotencyKey == null ? null : checkedKey(idempotencyKey);
                    return customers
                        .requireNameable(m, customer, scoped.caller(), "customerId")
                        .flatMap(
                            name -> {
                              Customer c = new Customer(customer, name);
                              if (key == null) {
                                return placeDetached(
                                    m, c, lines, req, generatedKey(), hash, origin);
                              }
                              return findByKey(m, customer, key)
                                  .map(existing -> replay(existing, key, hash))
                                  .switchIfEmpty(
                                      Mono.defer(
                                          () ->
                                              placeDetached(m, c, lines, req, key, hash, origin)));
                            });
                  });
            });
  }

  /** The order; a customer's view is limited to their own orders (another's is a 404). */
  public Mono<Order> get(String merchantId, String orderId) {
    return currentUser.require().flatMap(caller -> get(merchantId, orderId, caller));
  }

  private Mono<Order> get(String merchantId, String orderId, AuthenticatedUser caller) {
    return Mono.defer(() -> mongo.findOne(byId(merchantId, orderId, caller), Order.class))
        .switchIfEmpty(Mono.error(() -> ApiException.notFound("order", orderId)));
  }

  /**
   * A page of orders. A customer's list is always restricted to their own orders: the {@code
   * customerId} filter is replaced by the caller's id, whatever was sent.
   */
  public Mono<Page<Order>> list(String merchantId, OrderListFilter filter, PageParams page) {
    return currentUser
        .require()
        .flatMap(
            caller ->
                merchants
                    .require(merchantId)
                    .flatMap(m -> pager.page(listQuery(m, ownFilter(filter, caller)), page)));
  }

  private static OrderListFilter ownFilter(OrderListFilter f, AuthenticatedUser caller) {
    return new OrderListFilter(
        f.status(), CustomerScope.listedCustomer(f.customerId(), caller), f.q());
  }

  /**
   * Moves the order to {@code req.status()} if its status machine allows it from the current status
   * (409 otherwise). The update is conditional on the status it was read in, so of two concurrent
   * changes only one applies; the other is re-evaluated against the new status. Cancelling returns
   * the order's stock, exactly once: only the request whose conditional update moved the order to
   * CANCELLED does it.
   */
  public Mono<Order> changeStatus(
      String merchantId, String orderId, OrderRequests.StatusChange req) {
    return currentUser
        .require()
        .flatMap(
            caller -> {
              boolean customer = caller.is(Role.CUSTOMER);
              if (customer && req.status() != OrderStatus.CANCELLED) {
                return Mono.error(
                    CurrentUser.forbidden("A customer may only cancel their own pending order"));
              }
              return events
                  .origin()
                  .flatMap(
                      origin ->
                          get(merchantId, orderId, caller)
                              .flatMap(current -> transition(current, req, caller, origin)));
            });
  }

  /**
   * Cancels the oldest PENDING orders placed before {@code cutoff} (at most {@code max}): their
   * reservation expired unpaid. Each is one conditional update from PENDING through the same step
   * as any cancellation (stock returned once, {@code order.cancelled} recorded); an order paid or
   * cancelled in the meantime is left alone. Emits how many were cancelled.
   */
  Mono<Long> expirePendingBefore(Instant cutoff, int max, String reason) {
    Query q =
        new Query(
            Criteria.where("status").is(OrderStatus.PENDING.name()).and("createdAt").lt(cutoff));
    q.with(org.springframework.data.domain.Sort.by("createdAt")).limit(max);
    OrderRequests.StatusChange cancel =
        new OrderRequests.StatusChange(OrderStatus.CANCELLED, reason);
    return mongo
        .find(q, Order.class)
        .concatMap(o -> transitionOnce(o, cancel, null, EventOrigin.NONE))
        .count();
  }

  /** Applies a status change with the conditional-update retry (re-read as the caller sees it). */
  private Mono<Order> transition(
      Order read, OrderRequests.StatusChange req, AuthenticatedUser caller, EventOrigin origin) {
    return ConditionalRetry.apply(
        read,
        current -> transitionOnce(current, req, caller, origin),
        current -> get(current.merchantId(), current.id().toHexString(), caller),
        MAX_TRANSITION_ATTEMPTS,
        "order");
  }

  /** One conditional status update; empty when the order is no longer in the status read. */
  private Mono<Order> transitionOnce(
      Order current, OrderRequests.StatusChange req, AuthenticatedUser caller, EventOrigin origin) {
    OrderStatus from = current.status();
    OrderStatus to = req.status();
    if (!from.canMoveTo(to)) {
      return Mono.error(illegalTransition(from, to));
    }
    if (caller != null && caller.is(Role.CUSTOMER) && from != OrderStatus.PENDING) {
      return Mono.error(
          ApiException.conflict(
                  "Only a PENDING order can be cancelled by its customer; this one is " + from)
              .with("currentStatus", from.name())
              .with("requestedStatus", to.name())
              .with("allowed", List.of()));
    }
    Instant now = Timestamps.now(clock);
    Query q =
        new Query(
            Criteria.where("_id")
                .is(current.id())
                .and("merchantId")
                .is(current.merchantId())
                .and("status")
                .is(from.name()));
    Update u =
        events.statusChange(
            origin,
            new Update()
                .set("status", to.name())
                .set("updatedAt", now)
                .push(
                    "statusHistory",
                    new Order.StatusChange(from, to, now, blankToNull(req.reason()))),
            current,
            to);
    // Detached: once the status has changed, the stock return must happen even if the caller
    // goes away.
    return detached(
        mongo
            .findAndModify(q, u, FindAndModifyOptions.options().returnNew(true), Order.class)
            .doOnNext(updated -> metrics.orderStatusChanged(from, updated))
            .flatMap(
                updated ->
                    to == OrderStatus.CANCELLED
                        ? stock.release(updated.merchantId(), updated.items()).thenReturn(updated)
                        : Mono.just(updated))
            .flatMap(
                updated ->
                    from == OrderStatus.PENDING
                        ? holds
                            .release(updated.merchantId(), updated.customerId(), updated.items())
                            .thenReturn(updated)
                        : Mono.just(updated))
            .flatMap(events::moved));
  }

  static ListQuery<Order> listQuery(String merchantId, OrderListFilter f) {
    Filters filters =
        Filters.scopedTo("merchantId", merchantId)
            .eq("status", f.status())
            .id("customerId", f.customerId())
            .search(f.q());
    return new ListQuery<>(Order.COLLECTION, Order.class, filters.list(), SORTS);
  }

  /**
   * Runs the placing steps detached from the caller's subscription: a client that disconnects
   * half-way must not leave stock reserved for an order that was never inserted.
   */
  private Mono<PlacedOrder> placeDetached(
      String merchantId,
      Customer customer,
      List<OrderRequests.Line> lines,
      OrderRequests.Create req,
      String key,
      String hash,
      EventOrigin origin) {
    return detached(placeNew(merchantId, customer, lines, req, key, hash, origin));
  }

  /**
   * Holds the customer's pending quantities (capped), reserves stock, numbers and inserts the
   * order; each failing step undoes the ones before it.
   */
  private Mono<PlacedOrder> placeNew(
      String merchantId,
      Customer customer,
      List<OrderRequests.Line> lines,
      OrderRequests.Create req,
      String key,
      String hash,
      EventOrigin origin) {
    String customerId = customer.id();
    String customerName = customer.name();
    return price(merchantId, lines)
        .flatMap(
            priced -> {
              Mono<Void> undoHolds = holds.release(merchantId, customerId, priced.items());
              return holds
                  .take(merchantId, customerId, priced.items())
                  .then(
                      stock
                          .reserve(merchantId, priced.items())
                          .onErrorResume(e -> undoHolds.then(Mono.error(e))))
                  .then(
                      Mono.defer(
                          () ->
                              sequences
                                  .next(SEQUENCE, merchantId)
                                  .map(
                                      number ->
                                          newOrder(
                                              merchantId,
                                              customerId,
                                              number,
                                              customerName,
                                              priced,
                                              req,
                                              key,
                                              hash))
                                  .flatMap(o -> events.insertPlaced(origin, o))
                                  .onErrorResume(
                                      e ->
                                          stock
                                              .release(merchantId, priced.items())
                                              .then(undoHolds)
                                              .then(Mono.error(e)))));
            })
        // After the compensation point: an inserted order keeps its stock; its events, written
        // with it, move to the outbox.
        .flatMap(o -> events.moved(o).map(moved -> new PlacedOrder(moved, false)))
        .onErrorResume(
            DuplicateKeyException.class,
            e ->
                findByKey(merchantId, customerId, key)
                    .map(winner -> replay(winner, key, hash))
                    .switchIfEmpty(Mono.error(e)));
  }

  /** Current prices of the lines' products, which must be ACTIVE products of the merchant. */
  private Mono<Priced> price(String merchantId, List<OrderRequests.Line> lines) {
    List<ObjectId> ids = lines.stream().map(l -> new ObjectId(l.productId())).toList();
    Query q = new Query(Criteria.where("_id").in(ids).and("merchantId").is(merchantId));
    return mongo
        .find(q, Product.class)
        .collectMap(p -> p.id().toHexString(), Function.identity())
        .map(products -> priced(lines, products));
  }

  private static Priced priced(List<OrderRequests.Line> lines, Map<String, Product> products) {
    List<Order.Item> items = new ArrayList<>();
    Set<String> currencies = new TreeSet<>();
    long subtotal = 0;
    for (int i = 0; i < lines.size(); i++) {
      OrderRequests.Line line = lines.get(i);
      Product p = products.get(line.productId());
      if (p == null || p.status() != ProductStatus.ACTIVE) {
        throw ApiException.invalidField(
            "items[" + i + "].productId", "names no active product of this merchant");
      }
      currencies.add(p.currency());
      long lineTotal = Math.multiplyExact(p.price(), (long) line.quantity());
      subtotal = Math.addExact(subtotal, lineTotal);
      items.add(
          new Order.Item(
              line.productId(), p.sku(), p.name(), p.price(), line.quantity(), lineTotal));
    }
    if (currencies.size() > 1) {
      throw ApiException.invalidField(
          "items", "are priced in different currencies " + currencies + "; order them separately");
    }
    for (Order.Item item : items) {
      // A cheap early answer; the conditional update in StockLedger is what actually decides.
      if (products.get(item.productId()).stock() < item.quantity()) {
        throw StockLedger.insufficient(item);
      }
    }
    return new Priced(items, currencies.iterator().next(), subtotal);
  }

  private Order newOrder(
      String merchantId,
      String customerId,
      long number,
      String customerName,
      Priced priced,
      OrderRequests.Create req,
      String key,
      String hash) {
    Instant now = Timestamps.now(clock);
    return new Order(
        null,
        merchantId,
        customerId,
        number,
        priced.items(),
        priced.currency(),
        priced.subtotal(),
        priced.subtotal(),
        OrderStatus.PENDING,
        List.of(new Order.StatusChange(null, OrderStatus.PENDING, now, "placed")),
        key,
        hash,
        req.shippingAddress(),
        blankToNull(req.note()),
        SearchText.indexTerms(Long.toString(number), customerName),
        now,
        now);
  }

  private Mono<Order> findByKey(String merchantId, String customerId, String key) {
    Query q =
        new Query(
            Criteria.where("merchantId")
                .is(merchantId)
                .and("customerId")
                .is(customerId)
                .and("idempotencyKey")
                .is(key));
    return mongo.findOne(q, Order.class);
  }

  private static PlacedOrder replay(Order existing, String key, String hash) {
    if (!hash.equals(existing.requestHash())) {
      throw ApiException.conflict(
              "Idempotency-Key '"
                  + key
                  + "' was already used for a different request; use a new key for a new order")
          .with("orderId", existing.id().toHexString());
    }
    return new PlacedOrder(existing, true);
  }

  /** Lines with canonical product ids; a product named twice is a 400. */
  private static List<OrderRequests.Line> canonicalLines(List<OrderRequests.Line> items) {
    Set<String> seen = new LinkedHashSet<>();
    List<OrderRequests.Line> out = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      String id = Ids.canonical(items.get(i).productId(), "items[" + i + "].productId");
      if (!seen.add(id)) {
        throw ApiException.invalidField(
            "items[" + i + "].productId",
            "names product " + id + " again; give each product once with its total quantity");
      }
      out.add(new OrderRequests.Line(id, items.get(i).quantity()));
    }
    return out;
  }

  /**
   * A digest of the request as normalised for comparison: canonical ids, lines in product order,
   * every other field as sent. Equal requests give equal hashes whatever the line order.
   */
  static String requestHash(
      String customerId, List<OrderRequests.Line> lines, OrderRequests.Create req) {
    StringBuilder s = new StringBuilder("v1\u001f").append(customerId);
    lines.stream()
        .sorted((a, b) -> a.productId().compareTo(b.productId()))
        .forEach(l -> s.append('\u001f').append(l.productId()).append('*').append(l.quantity()));
    ShippingAddress a = req.shippingAddress();
    s.append("\u001e");
    if (a != null) {
      s.append(
          Stream.of(
                  a.recipient(),
                  a.phone(),
                  a.line1(),
                  a.line2(),
                  a.city(),
                  a.region(),
                  a.postalCode(),
                  a.country())
              .map(v -> v == null ? "\u0000" : v)
              .collect(Collectors.joining("\u001f")));
    }
    s.append("\u001e").append(req.note() == null ? "\u0000" : req.note());
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(s.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String checkedKey(String key) {
    if (!IDEMPOTENCY_KEY.matcher(key).matches()) {
      throw ApiException.invalidField(
          "Idempotency-Key", "must be 1 to 64 letters, digits, '_' or '-'");
    }
    return key;
  }

  /** A key no client sends (clients' keys have no '.'), so the unique index never sees nulls. */
  private static String generatedKey() {
    return "gen." + UUID.randomUUID();
  }

  /** Subscribes independently of the caller, so cancelling the caller does not stop the steps. */
  private static <T> Mono<T> detached(Mono<T> steps) {
    return Mono.fromFuture(steps::toFuture, true);
  }

  private static ApiException illegalTransition(OrderStatus from, OrderStatus to) {
    return ApiException.conflict(
            "An order in status " + from + " cannot move to " + to + "; allowed: " + from.next())
        .with("currentStatus", from.name())
        .with("requestedStatus", to.name())
        .with("allowed", from.next().stream().map(Enum::name).toList());
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static Query byId(String merchantId, String orderId, AuthenticatedUser caller) {
    return CustomerScope.byId(merchantId, orderId, "orderId", caller);
  }

  /** The customer a new order is for, as checked by {@link CustomerScope}. */
  private record Customer(String id, String name) {}

  private record Scoped(String merchantId, AuthenticatedUser caller) {}

  private record Priced(List<Order.Item> items, String currency, long subtotal) {}
}
