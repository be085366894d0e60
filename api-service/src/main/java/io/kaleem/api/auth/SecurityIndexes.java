package io.kaleem.api.auth;

import io.kaleem.api.database.StartupTask;
import java.time.Duration;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.CompoundIndexDefinition;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Indexes of the security collections ({@code credentials}, {@code refresh_tokens}), kept apart
 * from the seven-collection catalog in {@code crds}. Created at start-up with auto-index (dev,
 * embedded); in production they are listed in {@code docs/SECURITY.md} for the operator.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
@ConditionalOnBooleanProperty(name = "kaleem.mongo.auto-index", matchIfMissing = true)
class SecurityIndexes implements StartupTask {

  private static final Logger log = LoggerFactory.getLogger(SecurityIndexes.class);

  /** An index; {@code ttl} removes documents once {@code expiresAt} has passed. */
  record Spec(String collection, String name, Document keys, boolean unique, boolean ttl) {
    Spec(String collection, String name, Document keys, boolean unique) {
      this(collection, name, keys, unique, false);
    }
  }

  static final java.util.List<Spec> INDEXES =
      java.util.List.of(
          new Spec(AuthService.CREDENTIALS, "credentials_user", new Document("userId", 1), true),
          new Spec(RefreshTokens.COLLECTION, "refresh_tokens_hash", new Document("hash", 1), true),
          new Spec(
              RefreshTokens.COLLECTION,
              "refresh_tokens_family",
              new Document("family", 1).append("revokedAt", 1),
              false),
          new Spec(
              RefreshTokens.COLLECTION,
              "refresh_tokens_expiry",
              new Document("expiresAt", 1),
              false,
              true));

  private final ReactiveMongoTemplate mongo;

  SecurityIndexes(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  @Override
  public Mono<Void> run() {
    return Flux.fromIterable(INDEXES)
        .concatMap(
            s -> {
              if (s.ttl()) {
                return mongo
                    .indexOps(s.collection())
                    .createIndex(
                        new Index()
                            .on(s.keys().keySet().iterator().next(), Sort.Direction.ASC)
                            .named(s.name())
                            .expire(Duration.ZERO));
              }
              CompoundIndexDefinition index = new CompoundIndexDefinition(s.keys());
              index.named(s.name());
              if (s.unique()) {
                index.unique();
              }
              return mongo.indexOps(s.collection()).createIndex(index);
            })
        .count()
        .doOnNext(n -> log.info("Ensured {} security indexes", n))
        .then();
  }
}
