package io.kaleem.api.commerce;

import io.kaleem.api.common.Ids;
import io.kaleem.api.errors.ApiException;
import java.util.Set;
import org.bson.Document;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The few facts orders and tickets need about users, read from the {@code users} collection by id:
 * whether a user is an active customer, and whether a user may work a merchant's tickets (a support
 * agent, or an owner or staff member of that merchant). A reference that fails the check is a 400
 * on the field that carried it.
 */
@Component
public class UserLookup {

  static final String COLLECTION = "users";
  static final String ACTIVE = "ACTIVE";
  static final String CUSTOMER = "CUSTOMER";
  static final String SUPPORT_AGENT = "SUPPORT_AGENT";
  static final Set<String> MERCHANT_ROLES = Set.of("MERCHANT_OWNER", "MERCHANT_STAFF");

  private final ReactiveMongoTemplate mongo;

  public UserLookup(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  /** The customer's display name; a 400 on {@code field} unless an ACTIVE CUSTOMER. */
  public Mono<String> requireActiveCustomer(String userId, String field) {
    return find(userId, field)
        .filter(u -> CUSTOMER.equals(u.getString("role")) && ACTIVE.equals(u.getString("status")))
        .map(u -> u.getString("name") == null ? "" : u.getString("name"))
        .switchIfEmpty(
            Mono.error(() -> ApiException.invalidField(field, "names no active customer")));
  }

  /**
   * Completes when the user is ACTIVE and a SUPPORT_AGENT, or a MERCHANT_OWNER/MERCHANT_STAFF of
   * {@code merchantId}; a 400 on {@code field} otherwise.
   */
  public Mono<Void> requireAgentOf(String merchantId, String userId, String field) {
    return find(userId, field)
        .filter(u -> ACTIVE.equals(u.getString("status")) && isAgentOf(merchantId, u))
        .switchIfEmpty(
            Mono.error(
                () ->
                    ApiException.invalidField(
                        field, "names no active support agent or staff member of this merchant")))
        .then();
  }

  private static boolean isAgentOf(String merchantId, Document user) {
    String role = user.getString("role");
    return SUPPORT_AGENT.equals(role)
        || (MERCHANT_ROLES.contains(role) && merchantId.equals(user.getString("merchantId")));
  }

  private Mono<Document> find(String userId, String field) {
    return Mono.defer(
        () -> {
          Query q = new Query(Criteria.where("_id").is(Ids.parse(userId, field)));
          q.fields().include("role", "status", "merchantId", "name");
          return mongo.findOne(q, Document.class, COLLECTION);
        });
  }
}
