package io.kaleem.api.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.Tokens;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Issue 16 item 2: a merchant's status decides what it may do, and only admins set it. */
@ApiTest
class MerchantStatusTest {

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;
  @Autowired Tokens tokens;

  @Test
  void anOwnerCannotSetTheStatus() {
    RuleSupport r = new RuleSupport(http);
    String m = new Fixtures(http, mongo).merchant();
    String owner = tokens.owner(m).bearer();
    r.merchantStatus(m, "ACTIVE", owner).expectStatus().isForbidden();
    r.merchantStatus(m, "SUSPENDED", null).expectStatus().isOk();
    // Nor reactivate it, nor change its profile while suspended.
    r.merchantStatus(m, "ACTIVE", owner).expectStatus().isForbidden();
    Map<String, Object> refused =
        RuleSupport.json(
            r.call(
                HttpMethod.PATCH,
                "/api/v1/merchants/" + m,
                Map.of("name", Map.of("en", "Renamed")),
                owner),
            409);
    assertThat(refused).containsEntry("reason", "merchant-suspended");
  }

  @Test
  void aSuspendedMerchantRefusesScopedWritesOrdersAndTickets() {
    RuleSupport r = new RuleSupport(http);
    Fixtures f = new Fixtures(http, mongo);
    String m = f.merchant();
    String product = (String) f.product(m, "SUS-1", "10.00", 50).get("id");
    String category = (String) f.category(m, "sus").get("id");
    Tokens.Issued customer = tokens.customer();
    String owner = tokens.owner(m).bearer();
    r.merchantStatus(m, "SUSPENDED", null).expectStatus().isOk();

    String base = "/api/v1/merchants/" + m;
    assertRefused(
        r.call(HttpMethod.POST, base + "/products", RuleSupport.product("SUS-2", 1), owner),
        "merchant-suspended");
    assertRefused(
        r.call(HttpMethod.PATCH, base + "/products/" + product, Map.of("stock", 1), owner),
        "merchant-suspended");
    assertRefused(
        r.call(
            HttpMethod.POST,
            base + "/categories",
            Map.of("name", Map.of("en", "X"), "slug", "x-sus"),
            owner),
        "merchant-suspended");
    assertRefused(
        r.call(HttpMethod.DELETE, base + "/categories/" + category, null, owner),
        "merchant-suspended");
    assertRefused(
        r.call(
            HttpMethod.POST,
            base + "/orders",
            RuleSupport.order(customer.userId(), product, 1),
            customer.bearer()),
        "merchant-suspended");
    assertRefused(
        r.call(
            HttpMethod.POST,
            base + "/tickets",
            Map.of("subject", "Hi", "customerId", customer.userId(), "body", "Hello"),
            customer.bearer()),
        "merchant-suspended");
    // Reads still answer.
    r.call(HttpMethod.GET, base + "/products/" + product, null, owner).expectStatus().isOk();
  }

  @Test
  void aClosedMerchantRefusesProductEditsAndOrders() {
    RuleSupport r = new RuleSupport(http);
    Fixtures f = new Fixtures(http, mongo);
    String m = f.merchant();
    String product = (String) f.product(m, "CL-1", "10.00", 50).get("id");
    Tokens.Issued customer = tokens.customer();
    r.call(HttpMethod.DELETE, "/api/v1/merchants/" + m, null, null).expectStatus().isNoContent();
    String base = "/api/v1/merchants/" + m;
    assertRefused(
        r.call(HttpMethod.PATCH, base + "/products/" + product, Map.of("stock", 1), null),
        "merchant-closed");
    assertRefused(
        r.call(
            HttpMethod.POST,
            base + "/orders",
            RuleSupport.order(customer.userId(), product, 1),
            customer.bearer()),
        "merchant-closed");
  }

  @Test
  void ownersOfASuspendedMerchantCannotSignInOrRefresh() {
    RuleSupport r = new RuleSupport(http);
    String email = RuleSupport.unique("own") + "@example.com";
    String slug = RuleSupport.unique("s").toLowerCase();
    Map<String, Object> registered =
        RuleSupport.json(
            r.anonymous(
                "/api/v1/auth/register", RuleSupport.ownerRegistration(email, slug, "SA", "SAR")),
            201);
    @SuppressWarnings("unchecked")
    String m = (String) ((Map<String, Object>) registered.get("user")).get("merchantId");
    r.merchantStatus(m, "SUSPENDED", null).expectStatus().isOk();

    Map<String, Object> login =
        RuleSupport.json(
            r.anonymous(
                "/api/v1/auth/login", Map.of("email", email, "password", RuleSupport.PASSWORD)),
            403);
    assertThat(login).containsEntry("reason", "merchant-suspended");
    r.anonymous("/api/v1/auth/refresh", Map.of("refreshToken", registered.get("refreshToken")))
        .expectStatus()
        .isForbidden();

    // Reactivated, the owner signs in again.
    r.merchantStatus(m, "ACTIVE", null).expectStatus().isOk();
    r.anonymous("/api/v1/auth/login", Map.of("email", email, "password", RuleSupport.PASSWORD))
        .expectStatus()
        .isOk();
  }

  private static void assertRefused(WebTestClient.ResponseSpec spec, String reason) {
    Map<String, Object> problem = RuleSupport.json(spec, 409);
    assertThat(problem).containsEntry("reason", reason);
    assertThat((String) problem.get("detail")).contains(reason.substring("merchant-".length()));
  }
}
