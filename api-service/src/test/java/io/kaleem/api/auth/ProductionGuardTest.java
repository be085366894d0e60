package io.kaleem.api.auth;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kaleem.api.KaleemApiApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The prod profile refuses demo accounts, development keys and the in-process database, before
 * serving anything.
 */
class ProductionGuardTest {

  static SpringApplicationBuilder app() {
    return new SpringApplicationBuilder(KaleemApiApplication.class);
  }

  @Test
  void prodWithDemoUsersDoesNotStart() {
    assertThatThrownBy(
            () ->
                app()
                    .run(
                        "--spring.profiles.active=prod",
                        "--kaleem.security.demo-users.enabled=true",
                        "--server.port=0"))
        .hasStackTraceContaining("not allowed with the 'prod' profile");
  }

  @Test
  void prodWithoutAMongoUriDoesNotStart() {
    assertThatThrownBy(
            () ->
                app()
                    .run(
                        "--spring.profiles.active=prod",
                        "--KALEEM_PAGINATION_CURSOR_SECRET=test-secret",
                        "--kaleem.mongo.embedded.data-file=",
                        "--server.port=0"))
        .hasStackTraceContaining("MONGODB_URI (spring.mongodb.uri) is required with the 'prod'");
  }

  @Test
  void prodWithoutAConfiguredJwkSetDoesNotStart() {
    assertThatThrownBy(
            () ->
                app()
                    .run(
                        "--spring.profiles.active=prod",
                        "--KALEEM_PAGINATION_CURSOR_SECRET=test-secret",
                        "--spring.mongodb.uri=mongodb://127.0.0.1:1",
                        "--spring.mongodb.database=guard-test",
                        "--server.port=0"))
        .hasStackTraceContaining("kaleem.security.jwt.jwk-set is required");
  }
}
