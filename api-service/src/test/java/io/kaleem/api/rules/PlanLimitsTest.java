package io.kaleem.api.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.security.Role;
import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.Tokens;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Issue 16 item 5: the plan document's limits are enforced, and drive the request budget. */
@ApiTest
class PlanLimitsTest {

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;
  @Autowired Tokens tokens;

  @Test
  void theSubscribedPlanLimitsProductsAndStaff() {
    RuleSupport r = new RuleSupport(http);
    String m = new Fixtures(http, mongo).merchant();
    Map<String, Object> plan = r.plan(1, 1, 600);
    r.call(
            HttpMethod.PUT,
            "/api/v1/merchants/" + m + "/subscription",
            Map.of("planId", plan.get("id")),
            null)
        .expectStatus()
        .isOk();
    String products = "/api/v1/merchants/" + m + "/products";
    r.call(HttpMethod.POST, products, RuleSupport.product("LIM-1", 1), null)
        .expectStatus()
        .isCreated();
    Map<String, Object> refused =
        RuleSupport.json(
            r.call(HttpMethod.POST, products, RuleSupport.product("LIM-2", 1), null), 409);
    assertThat(refused).containsEntry("reason", "plan-limit").containsEntry("limit", "products");

    Map<String, Object> staff =
        Map.of(
            "email",
            RuleSupport.unique("st") + "@example.com",
            "name",
            "Staff",
            "role",
            "MERCHANT_STAFF",
            "merchantId",
            m);
    r.call(HttpMethod.POST, "/api/v1/users", staff, null).expectStatus().isCreated();
    Map<String, Object> second = new java.util.HashMap<>(staff);
    second.put("email", RuleSupport.unique("st") + "@example.com");
    assertThat(RuleSupport.json(r.call(HttpMethod.POST, "/api/v1/users", second, null), 409))
        .containsEntry("limit", "staff");
  }

  @Test
  void aPlansProductsZeroAllowsNoProduct() {
    RuleSupport r = new RuleSupport(http);
    String m = new Fixtures(http, mongo).merchant();
    Map<String, Object> plan = r.plan(0, 5, 600);
    r.call(
            HttpMethod.PUT,
            "/api/v1/merchants/" + m + "/subscription",
            Map.of("planId", plan.get("id")),
            null)
        .expectStatus()
        .isOk();
    r.call(
            HttpMethod.POST,
            "/api/v1/merchants/" + m + "/products",
            RuleSupport.product("ZERO-1", 1),
            null)
        .expectStatus()
        .isEqualTo(409);
  }

  @Test
  void thePlanDocumentSetsTheRequestBudgetAndAChangeAppliesAtOnce() {
    RuleSupport r = new RuleSupport(http);
    Map<String, Object> plan = r.plan(10, 2, 3);
    String code = (String) plan.get("code");
    Tokens.Issued owner = tokens.owner(new Fixtures(http, mongo).merchant());
    String bearer = "Bearer " + tokens.mintWithPlan(owner.userId(), Role.MERCHANT_OWNER, code);
    for (int i = 0; i < 3; i++) {
      r.call(HttpMethod.GET, "/api/v1/plans", null, bearer).expectStatus().isOk();
    }
    r.call(HttpMethod.GET, "/api/v1/plans", null, bearer).expectStatus().isEqualTo(429);

    // Raised on the plan document: the next request is judged against the new budget.
    r.call(
            HttpMethod.PATCH,
            "/api/v1/plans/" + plan.get("id"),
            Map.of("limits", Map.of("products", 10, "requestsPerMinute", 100, "staff", 2)),
            null)
        .expectStatus()
        .isOk();
    r.call(HttpMethod.GET, "/api/v1/plans", null, bearer)
        .expectStatus()
        .isOk()
        .expectHeader()
        .value("RateLimit-Policy", v -> assertThat(v).contains("q=100"));
  }
}
