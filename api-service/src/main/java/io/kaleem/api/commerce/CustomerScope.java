package io.kaleem.api.commerce;

import io.kaleem.api.common.Ids;
import io.kaleem.api.errors.ApiException;
import io.kaleem.api.security.AuthenticatedUser;
import io.kaleem.api.security.CurrentUser;
import io.kaleem.api.security.Role;
import io.kaleem.api.users.UserService;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The one customer-scope policy of orders and tickets: whom a caller may name as the customer of a
 * new order or ticket, and which of a merchant's orders and tickets a caller sees.
 *
 * <ul>
 *   <li>A CUSTOMER acts only for themself: another {@code customerId} is a 403; they see only their
 *       own orders and tickets (another's is a 404, their lists are filtered to them).
 *   <li>Owners, staff and support agents may name only a <em>customer of the merchant</em>: an
 *       ACTIVE CUSTOMER who has placed an order there or has a ticket there. Every other id
 *       (unknown, not a customer, inactive, a customer of other merchants only) is the same 400, so
 *       the answer tells nothing about which ids are customers of the platform.
 *   <li>Platform admins (who list every user anyway) may name any ACTIVE CUSTOMER: that is how a
 *       customer's first order or ticket at a merchant is recorded on their behalf.
 * </ul>
 *
 * <p>Whoever opens a ticket writes its first message as themself: nobody speaks for a customer.
 */
@Component
public class CustomerScope {

  static final String NOT_A_CUSTOMER = "names no customer of this merchant";

  private final UserService users;
  private final ReactiveMongoTemplate mongo;

  public CustomerScope(UserService users, ReactiveMongoTemplate mongo) {
    this.users = users;
    this.mongo = mongo;
  }

  /**
   * The display name of the customer a new order or ticket of {@code merchantId} names, after the
   * checks above; {@code field} is the body field that carried the id.
   */
  public Mono<String> requireNameable(
      String merchantId, String customerId, AuthenticatedUser caller, String field) {
    if (caller.is(Role.CUSTOMER)) {
      if (!customerId.equals(caller.userId())) {
        return Mono.error(
            CurrentUser.forbidden(
                "A customer acts only for themself: " + field + " must be your own user id"));
      }
      return users.requireActiveCustomer(customerId, field);
    }
    if (caller.is(Role.PLATFORM_ADMIN)) {
      return users.requireActiveCustomer(customerId, field);
    }
    return hasRelationship(merchantId, customerId)
        .flatMap(
            related ->
                related
                    ? users
                        .requireActiveCustomer(customerId, field)
                        .onErrorMap(
                            ApiException.class,
                            e -> ApiException.invalidField(field, NOT_A_CUSTOMER))
                    : Mono.error(ApiException.invalidField(field, NOT_A_CUSTOMER)));
  }

  /** Whether the customer has an order or a ticket at the merchant (indexed by both). */
  private Mono<Boolean> hasRelationship(String merchantId, String customerId) {
    Query q =
        new Query(Criteria.where("merchantId").is(merchantId).and("customerId").is(customerId));
    q.fields().include("_id");
    return mongo
        .exists(q, Document.class, "orders")
        .flatMap(ordered -> ordered ? Mono.just(true) : mongo.exists(q, Document.class, "tickets"));
  }

  /**
   * One order or ticket of the merchant by id; a CUSTOMER caller's only if it is theirs (another's
   * matches nothing: a 404 like a missing one). A null caller is an internal re-read of a document
   * already found for the caller.
   */
  public static Query byId(String merchantId, String id, String idField, AuthenticatedUser caller) {
    ObjectId oid = Ids.parse(id, idField);
    Criteria c =
        Criteria.where("_id").is(oid).and("merchantId").is(Ids.canonical(merchantId, "merchantId"));
    if (caller != null && caller.is(Role.CUSTOMER)) {
      c = c.and("customerId").is(caller.userId());
    }
    return new Query(c);
  }

  /** The {@code customerId} filter of a list: a CUSTOMER's lists are always their own. */
  public static String listedCustomer(String requested, AuthenticatedUser caller) {
    return caller.is(Role.CUSTOMER) ? caller.userId() : requested;
  }
}
