package io.kaleem.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.Tokens;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Owners' access tokens carry their merchant's subscribed plan code as the {@code plan} claim, so
 * the rate limiter applies that plan; without an active subscription the default plan applies.
 */
@ApiTest
class SubscriptionPlanClaimTest {

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;
  @Autowired io.kaleem.api.cache.TwoLevelCache cache;

  WebTestClient.ResponseSpec post(String path, Object body) {
    return http.post()
        .uri(path)
        .header(Tokens.ANONYMOUS, "1")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body)
        .exchange();
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> ok(WebTestClient.ResponseSpec spec, int status) {
    return spec.expectStatus()
        .isEqualTo(status)
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }

  static String claims(Map<String, Object> tokens) {
    String jwt = (String) tokens.get("accessToken");
    return new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
  }

  @SuppressWarnings("unchecked")
  String policyWith(Map<String, Object> tokens) {
    String merchantId = (String) ((Map<String, Object>) tokens.get("user")).get("merchantId");
    return http.get()
        .uri("/api/v1/merchants/{m}", merchantId)
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + tokens.get("accessToken"))
        .exchange()
        .expectStatus()
        .isOk()
        .returnResult(String.class)
        .getResponseHeaders()
        .getFirst("RateLimit-Policy");
  }

  /** The plan with this code, created when missing. */
  ObjectId plan(String code) {
    Document p =
        mongo
            .findAndModify(
                new Query(Criteria.where("code").is(code)),
                // A whole plan document: the API reads plans as the Plan record (through its
                // cache).
                new Update()
                    .setOnInsert("code", code)
                    .setOnInsert("active", true)
                    .setOnInsert("name", new Document("en", "Plan " + code))
                    .setOnInsert("price", 1000L)
                    .setOnInsert("currency", "SAR")
                    .setOnInsert("interval", "MONTHLY")
                    .setOnInsert(
                        "limits",
                        new Document("products", 100)
                            .append("requestsPerMinute", 100)
                            .append("staff", 5))
                    .setOnInsert("searchTerms", java.util.List.of(code))
                    .setOnInsert("createdAt", new java.util.Date())
                    .setOnInsert("updatedAt", new java.util.Date()),
                FindAndModifyOptions.options().upsert(true).returnNew(true),
                Document.class,
                "plans")
            .block();
    return p.getObjectId("_id");
  }

  void subscribe(String merchantId, ObjectId planId, String status) {
    mongo
        .updateFirst(
            new Query(Criteria.where("_id").is(new ObjectId(merchantId))),
            new Update()
                .set(
                    "subscription",
                    new Document("planId", planId.toHexString())
                        .append("status", status)
                        .append("currentPeriodStart", new java.util.Date())
                        .append("currentPeriodEnd", new java.util.Date())
                        .append("autoRenew", true)),
            "merchants")
        .block();
    // Written behind the API's back: evict the cached profile as the API's own writes do.
    cache.evictKey("merchant:" + merchantId).block();
  }

  @Test
  @SuppressWarnings("unchecked")
  void ownersTokensCarryTheirMerchantsPlanForRateLimits() {
    String suffix = new ObjectId().toHexString().substring(14);
    String email = "plan-owner-" + suffix + "@example.com";
    Map<String, Object> registered =
        ok(
            post(
                "/api/v1/auth/register",
                Map.of(
                    "email",
                    email,
                    "password",
                    "owner password 9",
                    "name",
                    "Plan Owner",
                    "accountType",
                    "MERCHANT_OWNER",
                    "merchant",
                    Map.of(
                        "name",
                        Map.of("en", "Plan shop"),
                        "slug",
                        "plan-shop-" + suffix,
                        "country",
                        "SA",
                        "currency",
                        "SAR"))),
            201);
    String merchantId = (String) ((Map<String, Object>) registered.get("user")).get("merchantId");
    // A new merchant has no subscription: no plan claim, the default plan's limit (which
    // @ApiTest raises so that feature tests never meet a 429).
    assertThat(claims(registered)).doesNotContain("\"plan\"");
    assertThat(policyWith(registered)).isEqualTo("\"free\";q=1000000;w=60");

    subscribe(merchantId, plan("pro"), "ACTIVE");
    Map<String, Object> login =
        ok(post("/api/v1/auth/login", Map.of("email", email, "password", "owner password 9")), 200);
    assertThat(claims(login)).contains("\"plan\":\"pro\"");
    assertThat(policyWith(login)).isEqualTo("\"pro\";q=3000;w=60");

    // A refresh re-reads the subscription: moved to enterprise, then cancelled.
    subscribe(merchantId, plan("enterprise"), "ACTIVE");
    Map<String, Object> refreshed =
        ok(post("/api/v1/auth/refresh", Map.of("refreshToken", login.get("refreshToken"))), 200);
    assertThat(claims(refreshed)).contains("\"plan\":\"enterprise\"");
    assertThat(policyWith(refreshed)).isEqualTo("\"enterprise\";q=12000;w=60");

    subscribe(merchantId, plan("enterprise"), "CANCELLED");
    Map<String, Object> cancelled =
        ok(
            post("/api/v1/auth/refresh", Map.of("refreshToken", refreshed.get("refreshToken"))),
            200);
    assertThat(claims(cancelled)).doesNotContain("\"plan\"");
    assertThat(policyWith(cancelled)).isEqualTo("\"free\";q=1000000;w=60");
  }

  @Test
  void customersGetNoPlanClaim() {
    Map<String, Object> registered =
        ok(
            post(
                "/api/v1/auth/register",
                Map.of(
                    "email",
                    "plan-customer-" + new ObjectId().toHexString() + "@example.com",
                    "password",
                    "customer password",
                    "name",
                    "Plan Customer",
                    "accountType",
                    "CUSTOMER")),
            201);
    assertThat(claims(registered)).doesNotContain("\"plan\"");
  }
}
