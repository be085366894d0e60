package io.kaleem.api.database;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.kaleem.api.support.StandaloneApp;
import io.kaleem.crds.indexes.IndexCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.MediaType;

/** The embedded default, an external MongoDB, and who creates indexes where. */
class EmbeddedDefaultsTest {

  @TempDir Path dir;

  @Test
  void embeddedDataSurvivesARestart() throws Exception {
    Path file = dir.resolve("kaleem.mv");
    String merchant;
    String productId;
    try (StandaloneApp app =
        StandaloneApp.start(
            "kaleem.mongo.embedded.data-file=" + file, "kaleem.mongo.embedded.demo-data=false")) {
      ReactiveMongoTemplate mongo = app.bean(ReactiveMongoTemplate.class);
      merchant = new org.bson.types.ObjectId().toHexString();
      mongo
          .insert(
              new Document("_id", new org.bson.types.ObjectId(merchant)).append("slug", "persist"),
              "merchants")
          .block();
      productId =
          (String)
              app.http
                  .post()
                  .uri("/api/v1/merchants/{m}/products", merchant)
                  .contentType(MediaType.APPLICATION_JSON)
                  .bodyValue(
                      Map.of(
                          "sku",
                          "KEEP",
                          "name",
                          Map.of("en", "kept"),
                          "price",
                          3,
                          "currency",
                          "SAR"))
                  .exchange()
                  .expectStatus()
                  .isCreated()
                  .expectBody(Map.class)
                  .returnResult()
                  .getResponseBody()
                  .get("id");
    }
    assertThat(Files.size(file)).isPositive();
    try (StandaloneApp app =
        StandaloneApp.start(
            "kaleem.mongo.embedded.data-file=" + file, "kaleem.mongo.embedded.demo-data=false")) {
      app.http
          .get()
          .uri("/api/v1/merchants/{m}/products/{id}", merchant, productId)
          .exchange()
          .expectStatus()
          .isOk()
          .expectBody()
          .jsonPath("$.sku")
          .isEqualTo("KEEP");
    }
  }

  @Test
  void usesTheMongoDbNamedByTheUriAndReadinessFollowsIt() {
    MongoServer external = new MongoServer(new MemoryBackend());
    String uri = external.bindAndGetConnectionString();
    try (StandaloneApp app =
        StandaloneApp.start("spring.mongodb.uri=" + uri, "spring.mongodb.database=ext")) {
      app.http.get().uri("/api/health/readiness").exchange().expectStatus().isOk();
      // Indexes were created in the external database: auto-index is on by default. Every list of
      // the catalog counts (the products' pending-events index is messaging's), plus _id.
      long indexes =
          app.bean(ReactiveMongoTemplate.class).indexOps("products").getIndexInfo().count().block();
      long catalog =
          IndexCatalog.all().stream().filter(i -> i.collection().equals("products")).count();
      assertThat(indexes).isEqualTo(catalog + 1);

      external.shutdownNow();
      app.http.get().uri("/api/health/readiness").exchange().expectStatus().isEqualTo(503);
      app.http.get().uri("/api/health/liveness").exchange().expectStatus().isOk();
    } finally {
      external.shutdownNow();
    }
  }

  @Test
  void withAutoIndexOffTheApiCreatesNoIndexes() {
    MongoServer external = new MongoServer(new MemoryBackend());
    String uri = external.bindAndGetConnectionString();
    try (StandaloneApp app =
        StandaloneApp.start(
            "spring.mongodb.uri=" + uri,
            "spring.mongodb.database=noindex",
            "kaleem.mongo.auto-index=false")) {
      assertThat(app.context.getBeansOfType(CatalogIndexInitializer.class)).isEmpty();
      var names = app.bean(ReactiveMongoTemplate.class).getCollectionNames().collectList().block();
      assertThat(names).doesNotContain("products", "orders");
    } finally {
      external.shutdownNow();
    }
  }
}
