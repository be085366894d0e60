package io.kaleem.api.auth;

import io.kaleem.api.common.Timestamps;
import io.kaleem.api.errors.ApiException;
import io.kaleem.api.errors.ProblemType;
import io.kaleem.api.security.SecurityProperties;
import io.kaleem.crds.indexes.IndexCatalog;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Opaque refresh tokens in {@code refresh_tokens}, stored only as SHA-256 hashes. Each login starts
 * a family; each refresh spends its token (atomically) and issues the next of the family.
 * Presenting a spent or revoked token again means it was stolen or replayed: the whole family is
 * revoked, so neither the thief nor the victim can go on without signing in again.
 */
@Component
public class RefreshTokens {

  static final String COLLECTION = IndexCatalog.REFRESH_TOKENS;
  private static final Logger log = LoggerFactory.getLogger(RefreshTokens.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A newly issued token (the raw value goes to the client once and is never stored). */
  public record Issued(String token, String family, Instant expiresAt) {}

  /** A token that was spent by this refresh: whose it was and which family it continues. */
  public record Spent(String userId, String family) {}

  private final ReactiveMongoTemplate mongo;
  private final Clock clock;
  private final SecurityProperties.Jwt cfg;

  public RefreshTokens(ReactiveMongoTemplate mongo, Clock clock, SecurityProperties props) {
    this.mongo = mongo;
    this.clock = clock;
    this.cfg = props.jwt();
  }

  /** Starts a new family for a user (login, registration). */
  public Mono<Issued> start(String userId) {
    return issue(userId, new ObjectId().toHexString());
  }

  /** Issues the next token of a family. */
  public Mono<Issued> issue(String userId, String family) {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    Instant now = Timestamps.now(clock);
    Instant expires = now.plus(cfg.refreshTokenTtl());
    Document doc =
        new Document("_id", new ObjectId())
            .append("family", family)
            .append("hash", hash(token))
            .append("userId", userId)
            .append("createdAt", Date.from(now))
            .append("expiresAt", Date.from(expires))
            .append("usedAt", null)
            .append("revokedAt", null);
    return mongo.insert(doc, COLLECTION).thenReturn(new Issued(token, family, expires));
  }

  /**
   * Spends a token: it must exist, be unspent, unrevoked and unexpired. A known token that fails
   * this (reuse) revokes its family. Any failure is the same 401 for the client.
   */
  public Mono<Spent> spend(String token) {
    String h = hash(token);
    Date now = Date.from(Timestamps.now(clock));
    Query live =
        new Query(
            Criteria.where("hash")
                .is(h)
                .and("usedAt")
                .is(null)
                .and("revokedAt")
                .is(null)
                .and("expiresAt")
                .gt(now));
    return mongo
        .findAndModify(
            live,
            new Update().set("usedAt", now),
            FindAndModifyOptions.options().returnNew(false),
            Document.class,
            COLLECTION)
        .map(d -> new Spent(d.getString("userId"), d.getString("family")))
        .switchIfEmpty(
            Mono.defer(
                () ->
                    mongo
                        .findOne(
                            new Query(Criteria.where("hash").is(h)), Document.class, COLLECTION)
                        .flatMap(
                            known -> {
                              boolean reused =
                                  known.get("usedAt") != null || known.get("revokedAt") != null;
                              if (!reused) {
                                return Mono.empty();
                              }
                              log.warn(
                                  "Refresh token reuse for user {}: revoking token family {}",
                                  known.getString("userId"),
                                  known.getString("family"));
                              return revokeFamily(known.getString("family"));
                            })
                        .then(Mono.error(invalid()))));
  }

  /** Revokes every token of a family (logout, reuse). */
  public Mono<Void> revokeFamily(String family) {
    return mongo
        .updateMulti(
            new Query(Criteria.where("family").is(family).and("revokedAt").is(null)),
            new Update().set("revokedAt", Date.from(Timestamps.now(clock))),
            COLLECTION)
        .then();
  }

  /** The family of a token, if the token is known (logout). */
  public Mono<String> familyOf(String token) {
    return mongo
        .findOne(new Query(Criteria.where("hash").is(hash(token))), Document.class, COLLECTION)
        .map(d -> d.getString("family"));
  }

  static ApiException invalid() {
    return new ApiException(
        ProblemType.UNAUTHORIZED, "The refresh token is invalid, expired or already used");
  }

  static String hash(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
