package io.kaleem.api.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.common.LocalizedText;
import io.kaleem.api.errors.ApiException;
import io.kaleem.api.products.Product;
import io.kaleem.api.products.ProductRequests;
import io.kaleem.api.products.ProductService;
import io.kaleem.api.products.ProductStatus;
import io.kaleem.api.security.CurrentUser;
import io.kaleem.api.security.Role;
import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.Tokens;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Issue 16 item 5: the plan document's limits are enforced, and drive the request budget. */
@ApiTest
class PlanLimitsTest {

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;
  @Autowired Tokens tokens;
  @Autowired ProductService catalogue;
  @LocalServerPort int port;

  @Test
  void theSubscribedPlanLimitsProductsAndStaff() {
    RuleSupport r = new RuleSupport(http);
    String m = subscribed(r, 1, 1);
    String products = products(m);
    r.call(HttpMethod.POST, products, RuleSupport.product("LIM-1", 1), null)
        .expectStatus()
        .isCreated();
    Map<String, Object> refused =
        RuleSupport.json(
            r.call(HttpMethod.POST, products, RuleSupport.product("LIM-2", 1), null), 409);
    assertThat(refused).containsEntry("reason", "plan-limit").containsEntry("limit", "products");

    r.call(HttpMethod.POST, "/api/v1/users", staff(m), null).expectStatus().isCreated();
    assertThat(RuleSupport.json(r.call(HttpMethod.POST, "/api/v1/users", staff(m), null), 409))
        .containsEntry("limit", "staff");
  }

  /**
   * Twelve creations at once against a limit of three: never more than three are stored, and
   * creating one at a time afterwards reaches exactly three (the limit holds, the refusals were not
   * spurious beyond the lock's bounded wait).
   */
  @Test
  void concurrentCreationsNeverPassTheProductLimit() {
    RuleSupport r = new RuleSupport(http);
    String m = subscribed(r, 3, 5);
    List<Integer> statuses =
        atOnce(
            12, "/api/v1/merchants/" + m + "/products", i -> RuleSupport.product("RACE-" + i, 1));
    assertThat(statuses).containsOnly(201, 409);
    long created = statuses.stream().filter(s -> s == 201).count();
    assertThat(created).isBetween(1L, 3L);
    assertThat(stored(m)).isEqualTo(created);

    for (int i = 0; i < 3 - created; i++) {
      r.call(HttpMethod.POST, products(m), RuleSupport.product("TOPUP-" + i, 1), null)
          .expectStatus()
          .isCreated();
    }
    assertThat(
            RuleSupport.json(
                r.call(HttpMethod.POST, products(m), RuleSupport.product("OVER", 1), null), 409))
        .containsEntry("reason", "plan-limit");
    assertThat(stored(m)).isEqualTo(3);
  }

  /** The same for staff: twelve creations at once against a plan allowing three. */
  @Test
  void concurrentCreationsNeverPassTheStaffLimit() {
    RuleSupport r = new RuleSupport(http);
    String m = subscribed(r, 5, 3);
    long before = staffOf(m);
    List<Integer> statuses = atOnce(12, "/api/v1/users", i -> staff(m));
    assertThat(statuses).containsOnly(201, 409);
    long created = statuses.stream().filter(s -> s == 201).count();
    assertThat(before + created).isLessThanOrEqualTo(3);
    assertThat(staffOf(m)).isEqualTo(before + created);
    for (long i = before + created; i < 3; i++) {
      r.call(HttpMethod.POST, "/api/v1/users", staff(m), null).expectStatus().isCreated();
    }
    assertThat(RuleSupport.json(r.call(HttpMethod.POST, "/api/v1/users", staff(m), null), 409))
        .containsEntry("limit", "staff");
    assertThat(staffOf(m)).isEqualTo(3);
  }

  /** {@code n} POSTs of {@code body(i)} to {@code path} at once, as an admin; their statuses. */
  private List<Integer> atOnce(int n, String path, IntFunction<Object> body) {
    WebClient client = tokens.adminClient(port);
    return Flux.range(0, n)
        .flatMap(
            i ->
                client
                    .post()
                    .uri(path)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(body.apply(i))
                    .exchangeToMono(res -> res.releaseBody().thenReturn(res.statusCode().value())),
            n)
        .collectList()
        .block();
  }

  private static Map<String, Object> staff(String m) {
    return Map.of(
        "email",
        RuleSupport.unique("st") + "@example.com",
        "name",
        "Staff",
        "role",
        "MERCHANT_STAFF",
        "merchantId",
        m);
  }

  private long staffOf(String m) {
    return mongo
        .count(
            new Query(
                Criteria.where("merchantId")
                    .is(m)
                    .and("role")
                    .in(Role.MERCHANT_ROLES.stream().map(Enum::name).toList())),
            "users")
        .block();
  }

  /**
   * The bulk path (imports, demo data) counts the whole batch against the limit: a batch that would
   * pass it is refused whole, and of two batches racing for the same room only one is stored.
   */
  @Test
  void aBatchOverTheLimitIsRefusedWholeAndRacingBatchesShareTheRoom() {
    RuleSupport r = new RuleSupport(http);
    String m = subscribed(r, 5, 5);
    assertThat(createAll(m, "FIRST", 2).collectList().block()).hasSize(2);

    assertThat(createAll(m, "TOO-MANY", 4).collectList().onErrorResume(e -> refusal(e)).block())
        .isEmpty();
    assertThat(stored(m)).isEqualTo(2);

    // Room for three: two batches of three at once, one is stored whole, the other refused whole.
    List<Integer> sizes =
        Flux.merge(
                createAll(m, "A", 3)
                    .count()
                    .map(Long::intValue)
                    .onErrorResume(e -> refusal(e).thenReturn(0)),
                createAll(m, "B", 3)
                    .count()
                    .map(Long::intValue)
                    .onErrorResume(e -> refusal(e).thenReturn(0)))
            .collectList()
            .block();
    assertThat(sizes).containsExactlyInAnyOrder(3, 0);
    assertThat(stored(m)).isEqualTo(5);
  }

  /** A new merchant subscribed to a new plan with these limits (and a budget tests never reach). */
  private String subscribed(RuleSupport r, int products, int staff) {
    String m = new Fixtures(http, mongo).merchant();
    Map<String, Object> plan = r.plan(products, staff, 6_000);
    r.call(
            HttpMethod.PUT,
            "/api/v1/merchants/" + m + "/subscription",
            Map.of("planId", plan.get("id")),
            null)
        .expectStatus()
        .isOk();
    return m;
  }

  private static String products(String m) {
    return "/api/v1/merchants/" + m + "/products";
  }

  private long stored(String m) {
    return mongo.count(new Query(Criteria.where("merchantId").is(m)), "products").block();
  }

  private Flux<Product> createAll(String m, String prefix, int n) {
    List<ProductRequests.Create> batch =
        IntStream.range(0, n)
            .mapToObj(
                i ->
                    new ProductRequests.Create(
                        prefix + "-" + i,
                        new LocalizedText("منتج", "Product"),
                        null,
                        new BigDecimal("10.00"),
                        "SAR",
                        1,
                        ProductStatus.ACTIVE,
                        null,
                        List.of(),
                        List.of()))
            .toList();
    return Flux.defer(() -> catalogue.createAll(m, batch))
        .contextWrite(CurrentUser.asPlatform())
        .subscribeOn(Schedulers.boundedElastic());
  }

  /** Completes empty for the plan-limit 409; any other error fails the test. */
  private static <T> Mono<List<T>> refusal(Throwable e) {
    assertThat(e).isInstanceOf(ApiException.class);
    assertThat(((ApiException) e).properties()).containsEntry("reason", "plan-limit");
    return Mono.just(List.of());
  }

  @Test
  void aPlansProductsZeroAllowsNoProduct() {
    RuleSupport r = new RuleSupport(http);
    String m = subscribed(r, 0, 5);
    r.call(HttpMethod.POST, products(m), RuleSupport.product("ZERO-1", 1), null)
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
