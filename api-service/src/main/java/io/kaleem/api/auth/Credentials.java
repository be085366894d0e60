package io.kaleem.api.auth;

import io.kaleem.api.common.Timestamps;
import io.kaleem.api.errors.ApiException;
import io.kaleem.api.errors.ProblemType;
import io.kaleem.crds.indexes.IndexCatalog;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The {@code credentials} collection, one document per user (unique {@code userId}): the password
 * hash, and for an account created by an admin a pending invitation (the SHA-256 of a one-time
 * token and its expiry). The token is {@code <userId>.<32 random bytes>}, so it is found by the
 * indexed {@code userId} and matched by hash; accepting it sets the password and removes the
 * invitation in one conditional update, so a token works once and only before it expires.
 */
@Component
class Credentials {

  static final String COLLECTION = IndexCatalog.CREDENTIALS;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** An invitation as handed to the admin who asked for it (the raw token is never stored). */
  record Invitation(String userId, String token, Instant expiresAt) {}

  private final ReactiveMongoTemplate mongo;
  private final Clock clock;
  private final Duration invitationTtl;

  Credentials(
      ReactiveMongoTemplate mongo,
      Clock clock,
      @Value("${kaleem.auth.invitation-ttl:72h}") Duration invitationTtl) {
    this.mongo = mongo;
    this.clock = clock;
    this.invitationTtl = invitationTtl;
  }

  /** The user's password hash; empty when the user has none (yet). */
  Mono<String> passwordHash(String userId) {
    return mongo
        .findOne(byUser(userId), Document.class, COLLECTION)
        .mapNotNull(d -> d.getString("passwordHash"));
  }

  /** Stores the first password of a new user (registration). */
  Mono<Void> create(String userId, String hash) {
    Document doc =
        new Document("_id", new ObjectId())
            .append("userId", userId)
            .append("passwordHash", hash)
            .append("updatedAt", Date.from(Timestamps.now(clock)));
    return mongo.insert(doc, COLLECTION).then();
  }

  /**
   * A new invitation for a user without a password; a new one replaces an unaccepted one. A user
   * who has a password is a 409: an invitation never takes over an account in use.
   */
  Mono<Invitation> invite(String userId) {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String token = userId + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    Instant now = Timestamps.now(clock);
    Instant expires = now.plus(invitationTtl);
    Query noPassword = byUser(userId).addCriteria(Criteria.where("passwordHash").is(null));
    Update u =
        new Update()
            .set("inviteHash", RefreshTokens.hash(token))
            .set("inviteExpiresAt", Date.from(expires))
            .set("updatedAt", Date.from(now));
    return mongo
        .upsert(noPassword, u, COLLECTION)
        .thenReturn(new Invitation(userId, token, expires))
        // The upsert met the user's existing credential with a password (unique userId).
        .onErrorMap(
            DuplicateKeyException.class,
            e -> ApiException.conflict("The user already has a password; no invitation is needed"));
  }

  /**
   * Spends an invitation: sets the password when the token matches a pending, unexpired invitation,
   * and answers the user's id. Anything else is the same 401.
   */
  Mono<String> accept(String token, String passwordHash) {
    int dot = token.indexOf('.');
    String userId = dot == 24 ? token.substring(0, dot) : null;
    if (userId == null || !ObjectId.isValid(userId)) {
      return Mono.error(invalidInvitation());
    }
    Date now = Date.from(Timestamps.now(clock));
    Query pending =
        byUser(userId)
            .addCriteria(
                Criteria.where("inviteHash")
                    .is(RefreshTokens.hash(token))
                    .and("inviteExpiresAt")
                    .gt(now));
    Update u =
        new Update()
            .set("passwordHash", passwordHash)
            .unset("inviteHash")
            .unset("inviteExpiresAt")
            .set("updatedAt", now);
    return mongo
        .findAndModify(pending, u, FindAndModifyOptions.options(), Document.class, COLLECTION)
        .map(d -> userId)
        .switchIfEmpty(Mono.error(invalidInvitation()));
  }

  private static Query byUser(String userId) {
    return new Query(Criteria.where("userId").is(userId));
  }

  static ApiException invalidInvitation() {
    return new ApiException(
        ProblemType.UNAUTHORIZED, "The invitation is invalid, expired or already used");
  }
}
