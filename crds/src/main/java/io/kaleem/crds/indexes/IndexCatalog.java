package io.kaleem.crds.indexes;

import static io.kaleem.crds.indexes.IndexKey.asc;
import static io.kaleem.crds.indexes.IndexKey.desc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The platform's default MongoDB index catalog: every index a tenant database carries, and the only
 * source of them. The API creates these at start-up in embedded/dev mode; in production the
 * operator reconciles them (plus a tenant's extra indexes) and the API's auto-index is off.
 *
 * <p>Every list query the API issues keeps equality fields first and sorts on keys that follow them
 * (with {@code _id} as tie-breaker, which keyset pagination needs), so each query here names the
 * exact shape it serves. The API refuses filter/sort combinations that no index here serves.
 */
public final class IndexCatalog {

  /** Field that holds normalised search tokens on every searchable collection. */
  public static final String SEARCH_FIELD = "searchTerms";

  private static final List<IndexDefinition> DEFAULTS = build();

  /** The API's collection of password hashes. */
  public static final String CREDENTIALS = "credentials";

  /** The API's collection of refresh tokens (hashes, families, expiry). */
  public static final String REFRESH_TOKENS = "refresh_tokens";

  /**
   * The API's security collections, outside the seed's seven-collection catalog: unique lookups by
   * user and by token hash, the token family for reuse revocation, and a TTL index that removes
   * refresh tokens once they expire.
   */
  private static final List<IndexDefinition> SECURITY =
      new Builder()
          .on(CREDENTIALS)
          .unique(
              "credentials_user",
              "a user's password hash at login; one credential per user",
              asc("userId"))
          .on(REFRESH_TOKENS)
          .unique(
              "refresh_tokens_hash",
              "a refresh token by the hash of its value (refresh, logout)",
              asc("hash"))
          .compound(
              "refresh_tokens_family",
              "the live tokens of a family, revoked together when a spent token is reused",
              asc("family"),
              asc("revokedAt"))
          .expiring(
              "refresh_tokens_expiry",
              "removes a refresh token once expiresAt has passed (TTL)",
              asc("expiresAt"))
          .build();

  /** The API's transactional outbox of domain events (docs/EVENTS.md). */
  public static final String OUTBOX = "outbox";

  /** Event ids each consumer has applied, so a redelivered event has its effect once. */
  public static final String PROCESSED_EVENTS = "processed_events";

  /**
   * The messaging collections' indexes: the relay reads pending events oldest first (its depth and
   * age gauges read the same prefix), and sent events and processed ids expire once no redelivery
   * can still need them. Leases and merchant statistics are read by {@code _id} only.
   */
  private static final List<IndexDefinition> MESSAGING =
      new Builder()
          .on(OUTBOX)
          .compound(
              "outbox_pending",
              "the relay's next batch: pending events oldest first; depth and oldest age",
              asc("status"),
              asc("createdAt"))
          .expiring(
              "outbox_expiry",
              "removes a sent event once its retention has passed (TTL)",
              asc("expiresAt"))
          .on(PROCESSED_EVENTS)
          .expiring(
              "processed_events_expiry",
              "forgets a processed event id after the redelivery window (TTL)",
              asc("expiresAt"))
          .pendingEvents("orders")
          .pendingEvents("products")
          .pendingEvents("tickets")
          .pendingEvents("merchants")
          .pendingEvents("notifications")
          .build();

  /** The field of an aggregate's document holding events written with its last change. */
  public static final String PENDING_EVENTS = "pendingEvents";

  /**
   * The partial filter of the {@code <collection>_pending_events} indexes: only documents that
   * still hold events, which is almost none, so the index costs next to nothing.
   */
  public static final String PENDING_EVENTS_FILTER =
      "{\"" + PENDING_EVENTS + ".0\": {\"$exists\": true}}";

  private static final List<IndexDefinition> ALL =
      Stream.of(DEFAULTS, SECURITY, MESSAGING).flatMap(List::stream).toList();

  private IndexCatalog() {}

  /** The seed's catalog of the seven domain collections (44 indexes), in a stable order. */
  public static List<IndexDefinition> defaults() {
    return DEFAULTS;
  }

  /** The indexes of the security collections. */
  public static List<IndexDefinition> security() {
    return SECURITY;
  }

  /**
   * The indexes of the messaging collections (outbox, processed event ids) and the pending-event
   * indexes of the collections whose changes record events.
   */
  public static List<IndexDefinition> messaging() {
    return MESSAGING;
  }

  /**
   * Every index a tenant database carries: the catalog, the security and the messaging collections'
   * indexes.
   */
  public static List<IndexDefinition> all() {
    return ALL;
  }

  public static List<IndexDefinition> forCollection(String collection) {
    return DEFAULTS.stream().filter(i -> i.collection().equals(collection)).toList();
  }

  /** The first catalog index serving the query shape, if any. */
  public static Optional<IndexDefinition> serving(
      String collection, Set<String> equalityFields, List<IndexKey> sort) {
    return forCollection(collection).stream()
        .filter(i -> i.serves(equalityFields, sort))
        .findFirst();
  }

  private static List<IndexDefinition> build() {
    Builder b = new Builder();

    b.on("products")
        .unique(
            "products_merchant_sku",
            "product lookup by SKU; SKU unique per merchant",
            asc("merchantId"),
            asc("sku"))
        .compound(
            "products_merchant_status_created",
            "list products, newest first",
            asc("merchantId"),
            asc("status"),
            desc("createdAt"),
            desc("_id"))
        .compound(
            "products_merchant_status_price",
            "list products by price",
            asc("merchantId"),
            asc("status"),
            asc("price"),
            asc("_id"))
        .compound(
            "products_merchant_status_stock",
            "list products by stock (restock view)",
            asc("merchantId"),
            asc("status"),
            asc("stock"),
            asc("_id"))
        .compound(
            "products_merchant_category_status_created",
            "products of a category, newest",
            asc("merchantId"),
            asc("categoryId"),
            asc("status"),
            desc("createdAt"),
            desc("_id"))
        .compound(
            "products_merchant_category_status_price",
            "products of a category by price",
            asc("merchantId"),
            asc("categoryId"),
            asc("status"),
            asc("price"),
            asc("_id"))
        .compound(
            "products_merchant_tags_status_created",
            "products with a tag, newest first",
            asc("merchantId"),
            asc("tags"),
            asc("status"),
            desc("createdAt"),
            desc("_id"))
        .text(
            "products_search",
            "product search (q=) in Arabic and English",
            asc("merchantId"),
            asc(SEARCH_FIELD),
            asc("status"),
            desc("createdAt"),
            desc("_id"));

    b.on("users")
        .unique("users_email", "login and registration: email unique", asc("email"))
        .compound("users_created", "list users, newest first", desc("createdAt"), desc("_id"))
        .compound(
            "users_role_created", "users of a role", asc("role"), desc("createdAt"), desc("_id"))
        .compound(
            "users_status_created",
            "users by status (suspended accounts)",
            asc("status"),
            desc("createdAt"),
            desc("_id"))
        .compound(
            "users_merchant_role_created",
            "a merchant's staff",
            asc("merchantId"),
            asc("role"),
            desc("createdAt"),
            desc("_id"))
        .text(
            "users_search",
            "user search by name or email (q=)",
            asc(SEARCH_FIELD),
            desc("createdAt"),
            desc("_id"));

    b.on("orders")
        .compound(
            "orders_merchant_created",
            "a merchant's orders, newest first",
            asc("merchantId"),
            desc("createdAt"),
            desc("_id"))
        .compound(
            "orders_merchant_status_created",
            "orders by status (fulfilment queue)",
            asc("merchantId"),
            asc("status"),
            desc("createdAt"),
            desc("_id"))
        .compound(
            "orders_merchant_customer_created",
            "a customer's orders at a merchant",
            asc("merchantId"),
            asc("customerId"),
            desc("createdAt"),
            desc("_id"))
        .compound(
            "orders_status_created",
            "PENDING orders past their reservation time (expiry sweep), oldest first",
            asc("status"),
            asc("createdAt"))
        .unique(
            "orders_idempotency",
            "Idempotency-Key replay: one order per key and customer",
            asc("merchantId"),
            asc("customerId"),
            asc("idempotencyKey"))
        .text(
            "orders_search",
            "order search by number or customer name (q=)",
            asc("merchantId"),
            asc(SEARCH_FIELD),
            desc("createdAt"),
            desc("_id"));

    b.on("merchants")
        .unique("merchants_slug", "merchant lookup by slug", asc("slug"))
        .compound(
            "merchants_created", "list merchants, newest first", desc("createdAt"), desc("_id"))
        .compound(
            "merchants_status_created",
            "merchants by status",
            asc("status"),
            desc("createdAt"),
            desc("_id"))
        .compound(
            "merchants_plan_created",
            "merchants subscribed to a plan",
            asc("subscription.planId"),
            desc("createdAt"),
            desc("_id"))
        .compound(
            "merchants_subscription_renewal",
            "subscriptions by state, renewal due first",
            asc("subscription.status"),
            asc("subscription.currentPeriodEnd"),
            asc("_id"))
        .text(
            "merchants_search",
            "merchant search by name (q=)",
            asc(SEARCH_FIELD),
            desc("createdAt"),
            desc("_id"));

    b.on("categories")
        .unique(
            "categories_merchant_slug",
            "category lookup by slug; slug unique per merchant",
            asc("merchantId"),
            asc("slug"))
        .compound(
            "categories_merchant_parent_order",
            "children of a category, in order",
            asc("merchantId"),
            asc("parentId"),
            asc("sortOrder"),
            asc("_id"))
        .compound(
            "categories_merchant_ancestors",
            "a subtree (move, delete checks)",
            asc("merchantId"),
            asc("ancestors"),
            asc("depth"),
            asc("_id"))
        .compound(
            "categories_merchant_depth_order",
            "the whole tree, level by level",
            asc("merchantId"),
            asc("depth"),
            asc("sortOrder"),
            asc("_id"))
        .compound(
            "categories_merchant_created",
            "list categories, newest first",
            asc("merchantId"),
            desc("createdAt"),
            desc("_id"))
        .text(
            "categories_search",
            "category search by name (q=)",
            asc("merchantId"),
            asc(SEARCH_FIELD),
            desc("createdAt"),
            desc("_id"));

    b.on("tickets")
        .unique(
            "tickets_merchant_number",
            "ticket lookup by its number (T-1042)",
            asc("merchantId"),
            asc("number"))
        .compound(
            "tickets_merchant_created",
            "a merchant's tickets, newest first",
            asc("merchantId"),
            desc("createdAt"),
            desc("_id"))
        .compound(
            "tickets_merchant_status_created",
            "tickets by status (support queue)",
            asc("merchantId"),
            asc("status"),
            desc("createdAt"),
            desc("_id"))
        .compound(
            "tickets_merchant_priority_created",
            "tickets by priority",
            asc("merchantId"),
            asc("priority"),
            desc("createdAt"),
            desc("_id"))
        .compound(
            "tickets_merchant_assignee_created",
            "an agent's assigned tickets",
            asc("merchantId"),
            asc("assigneeId"),
            desc("createdAt"),
            desc("_id"))
        .compound(
            "tickets_merchant_customer_created",
            "a customer's tickets",
            asc("merchantId"),
            asc("customerId"),
            desc("createdAt"),
            desc("_id"))
        .text(
            "tickets_search",
            "ticket search by subject and messages (q=)",
            asc("merchantId"),
            asc(SEARCH_FIELD),
            desc("createdAt"),
            desc("_id"));

    b.on("plans")
        .unique("plans_code", "plan lookup by code", asc("code"))
        .compound("plans_created", "list plans, newest first", desc("createdAt"), desc("_id"))
        .compound(
            "plans_active_created",
            "active plans, newest first",
            asc("active"),
            desc("createdAt"),
            desc("_id"))
        .compound(
            "plans_active_price",
            "active plans by price (pricing page)",
            asc("active"),
            asc("price"),
            asc("_id"))
        .text(
            "plans_search",
            "plan search by name (q=)",
            asc(SEARCH_FIELD),
            desc("createdAt"),
            desc("_id"));

    return b.build();
  }

  private static final class Builder {
    private final List<IndexDefinition> all = new ArrayList<>();
    private String collection;

    Builder on(String collection) {
      this.collection = collection;
      return this;
    }

    Builder compound(String name, String serves, IndexKey... keys) {
      return add(name, serves, false, IndexRole.COMPOUND, keys);
    }

    Builder unique(String name, String serves, IndexKey... keys) {
      return add(name, serves, true, IndexRole.COMPOUND, keys);
    }

    Builder text(String name, String serves, IndexKey... keys) {
      return add(name, serves, false, IndexRole.TEXT, keys);
    }

    /** A TTL index: documents go once the date in {@code key} has passed. */
    Builder expiring(String name, String serves, IndexKey key) {
      all.add(
          new IndexDefinition(
              collection, name, List.of(key), false, IndexRole.COMPOUND, null, null, serves, 0L));
      return this;
    }

    /**
     * {@code <collection>_pending_events}: documents whose events a crashed process left behind,
     * oldest first, for the API's recovery sweep (docs/MESSAGING.md).
     */
    Builder pendingEvents(String collection) {
      all.add(
          new IndexDefinition(
              collection,
              collection + "_pending_events",
              List.of(asc(PENDING_EVENTS + ".occurredAt")),
              false,
              IndexRole.COMPOUND,
              PENDING_EVENTS_FILTER,
              null,
              "the recovery sweep: documents still holding events their change wrote",
              null));
      return this;
    }

    List<IndexDefinition> build() {
      return Collections.unmodifiableList(all);
    }

    private Builder add(
        String name, String serves, boolean unique, IndexRole role, IndexKey... keys) {
      all.add(
          new IndexDefinition(
              collection, name, List.of(keys), unique, role, null, null, serves, null));
      return this;
    }
  }
}
