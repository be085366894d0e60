package io.kaleem.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.kaleem.api.support.StandaloneApp;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

/**
 * Demo accounts have published passwords: with a MongoDB URI they are never created, whatever the
 * flag says; on the embedded database the flag still gives {@code make run} its accounts.
 */
class DemoUsersNeverOnExternalDatabaseTest {

  private static long demoAccounts(StandaloneApp app) {
    return app.bean(ReactiveMongoTemplate.class)
        .count(new Query(Criteria.where("email").regex("@demo\\.kaleem\\.io$")), "users")
        .block();
  }

  @Test
  void withAMongoUriTheFlagCreatesNoAccount() {
    MongoServer external = new MongoServer(new MemoryBackend());
    String uri = external.bindAndGetConnectionString();
    try (StandaloneApp app =
        StandaloneApp.start(
            "spring.mongodb.uri=" + uri,
            "spring.mongodb.database=external_demo_users",
            "kaleem.security.demo-users.enabled=true")) {
      assertThat(app.context.getBeansOfType(DemoUsers.class)).isEmpty();
      assertThat(demoAccounts(app)).isZero();
    } finally {
      external.shutdownNow();
    }
  }

  @Test
  void onTheEmbeddedDatabaseTheFlagCreatesThem() {
    try (StandaloneApp app =
        StandaloneApp.start(
            "kaleem.mongo.embedded.data-file=",
            "kaleem.mongo.embedded.demo-data=false",
            "kaleem.security.demo-users.enabled=true")) {
      assertThat(app.context.getBeansOfType(DemoUsers.class)).hasSize(1);
      assertThat(demoAccounts(app)).isEqualTo(3);
    }
  }
}
