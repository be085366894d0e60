package io.kaleem.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.Tokens;
import java.util.Map;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

@ApiTest
class AuthApiTest {

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;

  private static String unique(String prefix) {
    return prefix + "-" + new ObjectId().toHexString();
  }

  WebTestClient.ResponseSpec post(String path, Object body) {
    return http.post()
        .uri(path)
        .header(Tokens.ANONYMOUS, "1")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body)
        .exchange();
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> tokens(WebTestClient.ResponseSpec spec) {
    return spec.expectBody(Map.class).returnResult().getResponseBody();
  }

  Map<String, Object> registerCustomer(String email, String password) {
    return tokens(
        post(
                "/api/v1/auth/register",
                Map.of(
                    "email",
                    email,
                    "password",
                    password,
                    "name",
                    "Sara Customer",
                    "accountType",
                    "CUSTOMER"))
            .expectStatus()
            .isCreated());
  }

  @Test
  void customerRegistersSignsInAndReadsAnyMerchantsCatalogue() {
    String email = unique("sara") + "@example.com";
    Map<String, Object> registered = registerCustomer(email.toUpperCase(), "correct horse battery");
    assertThat(registered)
        .containsEntry("tokenType", "Bearer")
        .containsEntry("expiresIn", 900)
        .containsKeys("accessToken", "refreshToken");
    @SuppressWarnings("unchecked")
    Map<String, Object> user = (Map<String, Object>) registered.get("user");
    assertThat(user).containsEntry("role", "CUSTOMER").containsEntry("email", email);

    Document cred =
        mongo
            .findOne(
                new Query(Criteria.where("userId").is(user.get("id"))),
                Document.class,
                "credentials")
            .block();
    assertThat(cred.getString("passwordHash")).startsWith("{argon2}$argon2id$");
    assertThat(cred.toJson()).doesNotContain("correct horse battery");

    Map<String, Object> login =
        tokens(
            post("/api/v1/auth/login", Map.of("email", email, "password", "correct horse battery"))
                .expectStatus()
                .isOk());
    String merchant = new Fixtures(http, mongo).merchant();
    http.get()
        .uri("/api/v1/merchants/{m}/products", merchant)
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + login.get("accessToken"))
        .exchange()
        .expectStatus()
        .isOk();
    http.post()
        .uri("/api/v1/merchants/{m}/products", merchant)
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + login.get("accessToken"))
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("sku", "X"))
        .exchange()
        .expectStatus()
        .isForbidden()
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://kaleem.io/problems/forbidden");
  }

  @Test
  void merchantOwnerRegistrationCreatesTheMerchantAndScopesTheToken() {
    String slug = "shop-" + new ObjectId().toHexString().substring(16);
    Map<String, Object> registered =
        tokens(
            post(
                    "/api/v1/auth/register",
                    Map.of(
                        "email",
                        unique("owner") + "@example.com",
                        "password",
                        "owner password 1",
                        "name",
                        "Omar Owner",
                        "accountType",
                        "MERCHANT_OWNER",
                        "merchant",
                        Map.of(
                            "name",
                            Map.of("ar", "متجر عمر", "en", "Omar's shop"),
                            "slug",
                            slug,
                            "country",
                            "SA",
                            "currency",
                            "SAR")))
                .expectStatus()
                .isCreated());
    @SuppressWarnings("unchecked")
    Map<String, Object> user = (Map<String, Object>) registered.get("user");
    String merchantId = (String) user.get("merchantId");
    assertThat(user).containsEntry("role", "MERCHANT_OWNER");
    Document merchant =
        mongo
            .findOne(
                new Query(Criteria.where("_id").is(new ObjectId(merchantId))),
                Document.class,
                "merchants")
            .block();
    assertThat(merchant.getString("slug")).isEqualTo(slug);
    assertThat(merchant.getString("status")).isEqualTo("ACTIVE");

    http.post()
        .uri("/api/v1/merchants/{m}/products", merchantId)
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + registered.get("accessToken"))
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(
            Map.of(
                "sku",
                "OWN-1",
                "name",
                Map.of("en", "Own product"),
                "price",
                5,
                "currency",
                "SAR",
                "stock",
                1))
        .exchange()
        .expectStatus()
        .isCreated();

    // The same slug again is a conflict and leaves no second account behind.
    String other = unique("owner2") + "@example.com";
    post(
            "/api/v1/auth/register",
            Map.of(
                "email",
                other,
                "password",
                "owner password 2",
                "name",
                "Other",
                "accountType",
                "MERCHANT_OWNER",
                "merchant",
                Map.of(
                    "name", Map.of("en", "Dup"), "slug", slug, "country", "SA", "currency", "SAR")))
        .expectStatus()
        .isEqualTo(409);
    assertThat(mongo.exists(new Query(Criteria.where("email").is(other)), "users").block())
        .isFalse();
  }

  @Test
  void registrationRefusesDuplicatesAndBadInput() {
    String email = unique("dup") + "@example.com";
    registerCustomer(email, "first password 1");
    post(
            "/api/v1/auth/register",
            Map.of(
                "email",
                email,
                "password",
                "second password",
                "name",
                "Dup",
                "accountType",
                "CUSTOMER"))
        .expectStatus()
        .isEqualTo(409);
    post(
            "/api/v1/auth/register",
            Map.of(
                "email",
                "x@example.com",
                "password",
                "short",
                "name",
                "X",
                "accountType",
                "CUSTOMER"))
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.errors[0].field")
        .isEqualTo("password");
    post(
            "/api/v1/auth/register",
            Map.of(
                "email",
                unique("o") + "@example.com",
                "password",
                "long enough password",
                "name",
                "X",
                "accountType",
                "MERCHANT_OWNER"))
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.errors[0].field")
        .isEqualTo("merchant");
    // Nobody registers themselves as an admin.
    post(
            "/api/v1/auth/register",
            Map.of(
                "email",
                unique("a") + "@example.com",
                "password",
                "long enough password",
                "name",
                "X",
                "accountType",
                "PLATFORM_ADMIN"))
        .expectStatus()
        .isBadRequest();
  }

  @Test
  void wrongPasswordAndUnknownAccountAreTheSame401() {
    String email = unique("pw") + "@example.com";
    registerCustomer(email, "the right password");
    var wrong =
        tokens(
            post("/api/v1/auth/login", Map.of("email", email, "password", "the wrong password"))
                .expectStatus()
                .isUnauthorized());
    var unknown =
        tokens(
            post(
                    "/api/v1/auth/login",
                    Map.of(
                        "email", unique("nobody") + "@example.com", "password", "whatever it is"))
                .expectStatus()
                .isUnauthorized());
    assertThat(wrong.get("detail")).isEqualTo(unknown.get("detail"));
    assertThat(wrong.get("type")).isEqualTo("https://kaleem.io/problems/unauthorized");
  }

  @Test
  void loginIsThrottledPerAccount() {
    String email = unique("brute") + "@example.com";
    registerCustomer(email, "the right password");
    for (int i = 0; i < 5; i++) {
      post("/api/v1/auth/login", Map.of("email", email, "password", "guess number " + i))
          .expectStatus()
          .isUnauthorized();
    }
    post("/api/v1/auth/login", Map.of("email", email, "password", "the right password"))
        .expectStatus()
        .isEqualTo(429)
        .expectHeader()
        .exists(HttpHeaders.RETRY_AFTER)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://kaleem.io/problems/rate-limited");
  }

  @Test
  void refreshRotatesAndReuseRevokesTheWholeFamily() {
    String email = unique("rot") + "@example.com";
    Map<String, Object> first = registerCustomer(email, "rotation password");
    String r1 = (String) first.get("refreshToken");

    Map<String, Object> second =
        tokens(post("/api/v1/auth/refresh", Map.of("refreshToken", r1)).expectStatus().isOk());
    String r2 = (String) second.get("refreshToken");
    assertThat(r2).isNotEqualTo(r1);
    assertThat(second.get("accessToken")).isNotEqualTo(first.get("accessToken"));

    // r1 was spent: presenting it again is reuse, which revokes r2 too.
    post("/api/v1/auth/refresh", Map.of("refreshToken", r1)).expectStatus().isUnauthorized();
    post("/api/v1/auth/refresh", Map.of("refreshToken", r2)).expectStatus().isUnauthorized();

    // A new login starts a new family that works.
    Map<String, Object> again =
        tokens(
            post("/api/v1/auth/login", Map.of("email", email, "password", "rotation password"))
                .expectStatus()
                .isOk());
    Map<String, Object> renewed =
        tokens(
            post("/api/v1/auth/refresh", Map.of("refreshToken", again.get("refreshToken")))
                .expectStatus()
                .isOk());
    assertThat(renewed).containsKey("accessToken");

    Document stored =
        mongo
            .findOne(
                new Query(Criteria.where("hash").is(RefreshTokens.hash(r1))),
                Document.class,
                "refresh_tokens")
            .block();
    assertThat(stored.toJson()).doesNotContain(r1);
  }

  @Test
  void logoutEndsTheSessionAndUnknownTokensAreRefused() {
    Map<String, Object> session =
        registerCustomer(unique("out") + "@example.com", "logout password");
    post("/api/v1/auth/logout", Map.of("refreshToken", session.get("refreshToken")))
        .expectStatus()
        .isNoContent();
    post("/api/v1/auth/refresh", Map.of("refreshToken", session.get("refreshToken")))
        .expectStatus()
        .isUnauthorized();
    post("/api/v1/auth/refresh", Map.of("refreshToken", "not-a-token"))
        .expectStatus()
        .isUnauthorized();
  }

  @Test
  void suspendedUsersCannotSignInOrRefresh() {
    String email = unique("sus") + "@example.com";
    Map<String, Object> session = registerCustomer(email, "suspended password");
    mongo
        .updateFirst(
            new Query(Criteria.where("email").is(email)),
            new org.springframework.data.mongodb.core.query.Update().set("status", "SUSPENDED"),
            "users")
        .block();
    post("/api/v1/auth/login", Map.of("email", email, "password", "suspended password"))
        .expectStatus()
        .isUnauthorized();
    post("/api/v1/auth/refresh", Map.of("refreshToken", session.get("refreshToken")))
        .expectStatus()
        .isUnauthorized();
  }

  @Test
  void demoUsersCanSignInWithTheirRoles(
      @Autowired AuthService auth, @Autowired io.kaleem.api.users.UserService users) {
    new DemoUsers(auth, users).run().block();
    new DemoUsers(auth, users).run().block();
    Map<String, Object> admin =
        tokens(
            post(
                    "/api/v1/auth/login",
                    Map.of("email", DemoUsers.ADMIN.email(), "password", DemoUsers.ADMIN.secret()))
                .expectStatus()
                .isOk());
    @SuppressWarnings("unchecked")
    Map<String, Object> user = (Map<String, Object>) admin.get("user");
    assertThat(user).containsEntry("role", "PLATFORM_ADMIN");
    Map<String, Object> owner =
        tokens(
            post(
                    "/api/v1/auth/login",
                    Map.of("email", DemoUsers.OWNER.email(), "password", DemoUsers.OWNER.secret()))
                .expectStatus()
                .isOk());
    @SuppressWarnings("unchecked")
    Map<String, Object> ownerUser = (Map<String, Object>) owner.get("user");
    assertThat(ownerUser.get("merchantId")).isNotNull();
  }
}
