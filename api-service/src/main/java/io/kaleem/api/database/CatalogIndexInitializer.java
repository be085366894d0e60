package io.kaleem.api.database;

import io.kaleem.crds.indexes.IndexCatalog;
import io.kaleem.crds.indexes.IndexDefinition;
import io.kaleem.crds.indexes.IndexKey;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.index.CompoundIndexDefinition;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/**
 * Creates the catalog's indexes and the security collections' ({@link IndexCatalog#all()}) at
 * start-up in dev/embedded mode. With {@code kaleem.mongo.auto-index=false} (production) the
 * operator owns them and this bean does not exist.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
@ConditionalOnBooleanProperty(name = "kaleem.mongo.auto-index", matchIfMissing = true)
public class CatalogIndexInitializer implements StartupTask {

  private static final Logger log = LoggerFactory.getLogger(CatalogIndexInitializer.class);

  private final ReactiveMongoTemplate mongo;

  public CatalogIndexInitializer(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  @Override
  public reactor.core.publisher.Mono<Void> run() {
    return Flux.fromIterable(IndexCatalog.all())
        .concatMap(
            def -> mongo.indexOps(def.collection()).createIndex(toSpringIndex(def)).thenReturn(def))
        .count()
        .doOnNext(
            n ->
                log.info(
                    "Ensured {} indexes ({} catalog, {} security)",
                    n,
                    IndexCatalog.defaults().size(),
                    IndexCatalog.security().size()))
        .then();
  }

  static CompoundIndexDefinition toSpringIndex(IndexDefinition def) {
    Document keys = new Document();
    for (IndexKey key : def.keys()) {
      keys.append(key.field(), key.direction());
    }
    CompoundIndexDefinition index = new CompoundIndexDefinition(keys);
    index.named(def.name());
    if (def.unique()) {
      index.unique();
    }
    if (def.partialFilter() != null) {
      index.partial(
          org.springframework.data.mongodb.core.index.PartialIndexFilter.of(
              Document.parse(def.partialFilter())));
    }
    if (def.collationLocale() != null) {
      index.collation(
          org.springframework.data.mongodb.core.query.Collation.of(def.collationLocale()));
    }
    if (def.expireAfterSeconds() != null) {
      index.expire(java.time.Duration.ofSeconds(def.expireAfterSeconds()));
    }
    return index;
  }
}
