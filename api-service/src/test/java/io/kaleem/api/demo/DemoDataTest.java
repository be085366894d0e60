package io.kaleem.api.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.support.StandaloneApp;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Query;

class DemoDataTest {

  @TempDir Path dir;

  private static Map<String, Long> counts(StandaloneApp app) {
    ReactiveMongoTemplate mongo = app.bean(ReactiveMongoTemplate.class);
    Map<String, Long> out = new java.util.TreeMap<>();
    for (String c :
        List.of("plans", "merchants", "users", "categories", "products", "orders", "tickets")) {
      out.put(c, mongo.count(new Query(), c).block());
    }
    return out;
  }

  @Test
  void loadsADemoTenantOnceIntoTheEmbeddedDatabase() {
    String[] props = {
      "kaleem.mongo.embedded.data-file=" + dir.resolve("demo.mv"),
      "kaleem.demo.products=300",
      "kaleem.demo.orders-per-merchant=8",
      "kaleem.security.demo-users.enabled=true"
    };
    Map<String, Long> first;
    try (StandaloneApp app = StandaloneApp.start(props)) {
      first = counts(app);
      assertThat(first)
          .containsEntry("plans", 3L)
          .containsEntry("merchants", 3L)
          .containsEntry("categories", 24L)
          .containsEntry("products", 300L)
          .containsEntry("orders", 24L)
          .containsEntry("tickets", 6L);
      // 2 platform users + 8 customers + an owner and a staff member per merchant, and the demo
      // admin and customer; the demo owner is the showcase store's owner, not a fourth merchant.
      assertThat(first.get("users")).isEqualTo(18L);
      assertThat(demoOwnerSignsIntoTheShowcaseStore(app)).isGreaterThan(0);
      // Demo data is searchable in Arabic through the API like any other.
      app.http
          .get()
          .uri("/api/v1/merchants?q=كليم")
          .exchange()
          .expectStatus()
          .isOk()
          .expectBody()
          .jsonPath("$.data[0].slug")
          .isEqualTo("kaleem-store");
    }
    try (StandaloneApp app = StandaloneApp.start(props)) {
      assertThat(counts(app)).isEqualTo(first);
      // The second start leaves the demo owner's password as it was (no second invitation).
      assertThat(demoOwnerSignsIntoTheShowcaseStore(app)).isGreaterThan(0);
    }
  }

  /** Signs in as the demo owner; answers how many products its merchant's first page holds. */
  @SuppressWarnings("unchecked")
  private static int demoOwnerSignsIntoTheShowcaseStore(StandaloneApp app) {
    Map<String, Object> tokens =
        app.http
            .post()
            .uri("/api/v1/auth/login")
            .bodyValue(Map.of("email", DemoAccounts.OWNER_EMAIL, "password", "demo-owner-2026"))
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    String merchantId = (String) ((Map<String, Object>) tokens.get("user")).get("merchantId");
    String bearer = "Bearer " + tokens.get("accessToken");
    Map<String, Object> merchant =
        app.http
            .get()
            .uri("/api/v1/merchants/" + merchantId)
            .header("Authorization", bearer)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    assertThat(merchant).containsEntry("slug", DemoAccounts.SHOWCASE_STORE);
    Map<String, Object> products =
        app.http
            .get()
            .uri("/api/v1/merchants/" + merchantId + "/products")
            .header("Authorization", bearer)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    return ((List<Object>) products.get("data")).size();
  }
}
