package io.kaleem.api.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.auth.AuthAccess;
import io.kaleem.api.support.ApiTest;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Issue 16 item 8: long (Arabic) passwords work, old hashes verify, nobody can lock you out. */
@ApiTest
class PasswordPolicyTest {

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;
  @Autowired ApplicationContext context;

  /** 60 characters of Arabic: 112 UTF-8 bytes, past bcrypt's 72. */
  static final String ARABIC = "كلمة مرور طويلة جدا باللغة العربية لا يقرؤها بكريبت كاملة أبدا";

  @Test
  void anArabicPasswordLongerThan72BytesRegistersAndSignsIn() {
    assertThat(ARABIC.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(72);
    RuleSupport r = new RuleSupport(http);
    String email = RuleSupport.unique("ar") + "@example.com";
    Map<String, Object> registered =
        RuleSupport.json(
            r.anonymous(
                "/api/v1/auth/register",
                Map.of(
                    "email", email, "password", ARABIC, "name", "سارة", "accountType", "CUSTOMER")),
            201);
    @SuppressWarnings("unchecked")
    String userId = (String) ((Map<String, Object>) registered.get("user")).get("id");
    assertThat(passwordHash(userId)).startsWith("{argon2}");
    r.anonymous("/api/v1/auth/login", Map.of("email", email, "password", ARABIC))
        .expectStatus()
        .isOk();
    // The same password but its last character: beyond byte 72, and still refused.
    r.anonymous(
            "/api/v1/auth/login",
            Map.of("email", email, "password", ARABIC.substring(0, ARABIC.length() - 1) + "ب"))
        .expectStatus()
        .isUnauthorized();
  }

  @Test
  void anExistingBcryptHashStillVerifies() {
    ObjectId id = new ObjectId();
    String email = RuleSupport.unique("old") + "@example.com";
    Date now = new Date();
    mongo
        .insert(
            new Document("_id", id)
                .append("email", email)
                .append("name", "Old Account")
                .append("role", "CUSTOMER")
                .append("status", "ACTIVE")
                .append("searchTerms", List.of())
                .append("createdAt", now)
                .append("updatedAt", now),
            "users")
        .block();
    mongo
        .insert(
            new Document("userId", id.toHexString())
                .append(
                    "passwordHash",
                    "{bcrypt}" + new BCryptPasswordEncoder().encode("an old password"))
                .append("updatedAt", now),
            "credentials")
        .block();
    new RuleSupport(http)
        .anonymous("/api/v1/auth/login", Map.of("email", email, "password", "an old password"))
        .expectStatus()
        .isOk();
  }

  @Test
  void wrongPasswordsFromElsewhereDoNotLockTheOwnerOut() {
    RuleSupport r = new RuleSupport(http);
    String email = RuleSupport.unique("lock") + "@example.com";
    r.anonymous(
            "/api/v1/auth/register",
            Map.of(
                "email",
                email,
                "password",
                "the right password",
                "name",
                "Target",
                "accountType",
                "CUSTOMER"))
        .expectStatus()
        .isCreated();
    // An attacker at another address spends far more than the per-account budget (5).
    for (int i = 0; i < 8; i++) {
      AuthAccess.loginStatus(context, email, "a wrong guess " + i, "203.0.113.9");
    }
    assertThat(AuthAccess.loginStatus(context, email, "a wrong guess", "203.0.113.9"))
        .as("the attacker's own address is throttled")
        .isEqualTo(429);
    r.anonymous("/api/v1/auth/login", Map.of("email", email, "password", "the right password"))
        .expectStatus()
        .isOk();
  }

  private String passwordHash(String userId) {
    return mongo
        .findOne(new Query(Criteria.where("userId").is(userId)), Document.class, "credentials")
        .block()
        .getString("passwordHash");
  }
}
