package io.kaleem.api.merchants;

import static io.kaleem.api.support.ProblemAssertions.expectFieldError;
import static io.kaleem.api.support.ProblemAssertions.expectProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kaleem.api.errors.ApiException;
import io.kaleem.api.errors.ProblemType;
import io.kaleem.api.plans.BillingInterval;
import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.CatalogCoverage;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.RecordedQueries;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@ApiTest
class MerchantApiTest {

  static final String MISSING = "0123456789abcdef01234567";

  @Autowired WebTestClient http;
  @Autowired RecordedQueries queries;
  @Autowired ReactiveMongoTemplate mongo;
  @Autowired MerchantService merchants;
  @Autowired MerchantScope scope;
  Fixtures fixtures;

  /** Every query this test sent (lists, lookups, probes) is served by an index. */
  @AfterEach
  void everyQueryIsServedByAnIndex() {
    assertThat(CatalogCoverage.unserved(queries.all(), Set.of(Merchant.COLLECTION))).isEmpty();
  }

  @BeforeEach
  void setUp() {
    // The machine is shared: allow a slow first request rather than fail on the 5 s default.
    http = http.mutate().responseTimeout(java.time.Duration.ofSeconds(60)).build();
    fixtures = new Fixtures(http, mongo);
  }

  @SuppressWarnings("unchecked")
  static List<Object> asList(Object o) {
    return (List<Object>) o;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  static String unique(String prefix) {
    return prefix + "-" + new ObjectId().toHexString();
  }

  String plan(String interval, boolean active) {
    Map<String, Object> body =
        Map.of(
            "code",
            unique("p"),
            "name",
            Map.of("en", "Plan"),
            "price",
            49,
            "currency",
            "SAR",
            "interval",
            interval,
            "limits",
            Map.of("products", 10, "requestsPerMinute", 60, "staff", 2),
            "active",
            active);
    return (String)
        post("/api/v1/plans", body)
            .expectStatus()
            .isCreated()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody()
            .get("id");
  }

  static Map<String, Object> merchantBody(String slug) {
    Map<String, Object> body = new HashMap<>();
    body.put("name", Map.of("ar", "متجر الوردة", "en", "Rose Shop " + slug));
    body.put("slug", slug);
    body.put("contactEmail", "Owner@Example.COM");
    body.put("country", "SA");
    body.put("currency", "SAR");
    return body;
  }

  WebTestClient.ResponseSpec post(String uri, Object body) {
    return http.post().uri(uri).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
  }

  WebTestClient.ResponseSpec put(String uri, Object body) {
    return http.put().uri(uri).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
  }

  WebTestClient.ResponseSpec patch(String uri, Object body) {
    return http.patch().uri(uri).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> create(Map<String, Object> body) {
    return post("/api/v1/merchants", body)
        .expectStatus()
        .isCreated()
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> ok(WebTestClient.ResponseSpec spec) {
    return spec.expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
  }

  @Test
  void onboardsReadsUpdatesAndClosesAMerchant() {
    String slug = unique("rose");
    var result =
        post("/api/v1/merchants", merchantBody(slug))
            .expectStatus()
            .isCreated()
            .expectBody(Map.class)
            .returnResult();
    Map<String, Object> created = map(result.getResponseBody());
    String id = (String) created.get("id");
    assertThat(result.getResponseHeaders().getLocation()).hasToString("/api/v1/merchants/" + id);
    assertThat(created)
        .containsEntry("slug", slug)
        .containsEntry("contactEmail", "owner@example.com")
        .containsEntry("status", "ACTIVE")
        .containsEntry("currency", "SAR")
        .containsEntry("subscription", null)
        .doesNotContainKey("searchTerms");

    http.get()
        .uri("/api/v1/merchants/{id}", id)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.name.ar")
        .isEqualTo("متجر الوردة");

    Map<String, Object> updated =
        ok(
            patch(
                "/api/v1/merchants/" + id,
                Map.of(
                    "name",
                    Map.of("en", "Tulip Shop"),
                    "contactEmail",
                    "new@example.com",
                    "country",
                    "AE",
                    "status",
                    "SUSPENDED")));
    assertThat(updated)
        .containsEntry("country", "AE")
        .containsEntry("status", "SUSPENDED")
        .containsEntry("contactEmail", "new@example.com")
        .containsEntry("slug", slug);
    http.get()
        .uri(u -> u.path("/api/v1/merchants").queryParam("q", "tulip " + slug).build())
        .exchange()
        .expectBody()
        .jsonPath("$.data[*].id")
        .value(ids -> assertThat(asList(ids)).containsExactly(id));

    http.delete().uri("/api/v1/merchants/{id}", id).exchange().expectStatus().isNoContent();
    http.get()
        .uri("/api/v1/merchants/{id}", id)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("CLOSED");
    // Closing is idempotent; a closed merchant cannot be changed or subscribed.
    http.delete().uri("/api/v1/merchants/{id}", id).exchange().expectStatus().isNoContent();
    expectProblem(patch("/api/v1/merchants/" + id, Map.of("status", "ACTIVE")), 409, "conflict");
    expectProblem(
        put("/api/v1/merchants/" + id + "/subscription", Map.of("planId", plan("MONTHLY", true))),
        409,
        "conflict");
  }

  @Test
  void slugIsUnique() {
    String slug = unique("dup");
    create(merchantBody(slug));
    expectProblem(post("/api/v1/merchants", merchantBody(slug)), 409, "conflict");
  }

  @Test
  void onboardingWithAPlanStartsAnActiveSubscriptionForOneInterval() {
    String yearly = plan("YEARLY", true);
    Map<String, Object> body = merchantBody(unique("sub"));
    body.put("planId", yearly);
    Map<String, Object> s = map(create(body).get("subscription"));
    assertThat(s)
        .containsEntry("planId", yearly)
        .containsEntry("status", "ACTIVE")
        .containsEntry("autoRenew", true);
    Instant start = Instant.parse((String) s.get("currentPeriodStart"));
    Instant end = Instant.parse((String) s.get("currentPeriodEnd"));
    assertThat(end).isEqualTo(start.atZone(ZoneOffset.UTC).plusYears(1).toInstant());

    body = merchantBody(unique("sub"));
    body.put("planId", plan("MONTHLY", false));
    expectFieldError(post("/api/v1/merchants", body), "planId");
    body.put("planId", MISSING);
    expectFieldError(post("/api/v1/merchants", body), "planId");
    body.put("planId", "nope");
    expectFieldError(post("/api/v1/merchants", body), "planId");
  }

  /** Moves the subscription's period end (billing's clock) so that a renewal is due. */
  private void periodEndsAt(String merchantId, Instant end) {
    mongo
        .updateFirst(
            new Query(Criteria.where("_id").is(new ObjectId(merchantId))),
            new Update().set("subscription.currentPeriodEnd", java.util.Date.from(end)),
            "merchants")
        .block();
  }

  @Test
  void subscribesRenewsAndCancels() {
    String id = fixtures.merchant();
    String monthly = plan("MONTHLY", true);
    String yearly = plan("YEARLY", true);
    String base = "/api/v1/merchants/" + id + "/subscription";

    expectProblem(post(base + "/renew", Map.of()), 409, "conflict");
    expectProblem(post(base + "/cancel", Map.of()), 409, "conflict");

    Map<String, Object> s =
        map(ok(put(base, Map.of("planId", monthly, "autoRenew", false))).get("subscription"));
    assertThat(s).containsEntry("planId", monthly).containsEntry("autoRenew", false);
    expectProblem(post(base + "/renew", Map.of()), 409, "conflict");

    s = map(ok(put(base, Map.of("planId", yearly))).get("subscription"));
    assertThat(s).containsEntry("planId", yearly).containsEntry("autoRenew", true);
    // A renewal pays for the period that is due, never ahead: not before the period ends.
    expectProblem(post(base + "/renew", Map.of()), 409, "conflict");
    Instant end = Instant.now().minus(java.time.Duration.ofDays(1)).truncatedTo(ChronoUnit.MILLIS);
    periodEndsAt(id, end);

    Map<String, Object> renewed = map(ok(post(base + "/renew", Map.of())).get("subscription"));
    assertThat(renewed).containsEntry("status", "ACTIVE").containsEntry("planId", yearly);
    assertThat(Instant.parse((String) renewed.get("currentPeriodStart"))).isEqualTo(end);
    assertThat(Instant.parse((String) renewed.get("currentPeriodEnd")))
        .isEqualTo(end.atZone(ZoneOffset.UTC).plusYears(1).toInstant());

    Map<String, Object> cancelled = map(ok(post(base + "/cancel", Map.of())).get("subscription"));
    assertThat(cancelled).containsEntry("status", "CANCELLED").containsEntry("autoRenew", false);
    expectProblem(post(base + "/cancel", Map.of()), 409, "conflict");
    expectProblem(post(base + "/renew", Map.of()), 409, "conflict");

    // Subscribing again after a cancellation starts afresh.
    s = map(ok(put(base, Map.of("planId", monthly))).get("subscription"));
    Instant start = Instant.parse((String) s.get("currentPeriodStart"));
    assertThat(s).containsEntry("status", "ACTIVE");
    assertThat(Instant.parse((String) s.get("currentPeriodEnd")))
        .isEqualTo(start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant());

    // Closing the merchant cancels the subscription.
    http.delete().uri("/api/v1/merchants/{id}", id).exchange().expectStatus().isNoContent();
    http.get()
        .uri("/api/v1/merchants/{id}", id)
        .exchange()
        .expectBody()
        .jsonPath("$.subscription.status")
        .isEqualTo("CANCELLED")
        .jsonPath("$.subscription.autoRenew")
        .isEqualTo(false);
  }

  @Test
  void subscriptionRequestsAreValidated() {
    String id = fixtures.merchant();
    String base = "/api/v1/merchants/" + id + "/subscription";
    expectFieldError(put(base, Map.of("planId", plan("MONTHLY", false))), "planId");
    expectFieldError(put(base, Map.of("planId", MISSING)), "planId");
    expectFieldError(put(base, Map.of()), "planId");
    expectProblem(
        put(base, Map.of("planId", MISSING, "status", "ACTIVE")), 400, "malformed-request");
    String monthly = plan("MONTHLY", true);
    expectProblem(
        put("/api/v1/merchants/" + MISSING + "/subscription", Map.of("planId", monthly)),
        404,
        "not-found");
    expectFieldError(
        put("/api/v1/merchants/bad-id/subscription", Map.of("planId", monthly)), "merchantId");
    expectProblem(
        post("/api/v1/merchants/" + MISSING + "/subscription/renew", Map.of()), 404, "not-found");
    expectProblem(
        post("/api/v1/merchants/" + MISSING + "/subscription/cancel", Map.of()), 404, "not-found");
    expectFieldError(post("/api/v1/merchants/bad-id/subscription/cancel", Map.of()), "merchantId");
  }

  @Test
  void listsFiltersAndSortsByRenewal() {
    String monthly = plan("MONTHLY", true);
    String yearly = plan("YEARLY", true);
    Map<String, Object> a = merchantBody(unique("list"));
    a.put("planId", yearly);
    String first = (String) create(a).get("id");
    Map<String, Object> b = merchantBody(unique("list"));
    b.put("planId", monthly);
    String second = (String) create(b).get("id");
    String plain = fixtures.merchant();
    http.patch()
        .uri("/api/v1/merchants/{id}", plain)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("status", "SUSPENDED"))
        .exchange()
        .expectStatus()
        .isOk();

    http.get()
        .uri("/api/v1/merchants?limit=100")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.data[*].id")
        .value(
            ids -> {
              List<Object> l = asList(ids);
              assertThat(l.indexOf(plain)).isLessThan(l.indexOf(second));
              assertThat(l.indexOf(second)).isLessThan(l.indexOf(first));
            });
    http.get()
        .uri("/api/v1/merchants?status=SUSPENDED&limit=100")
        .exchange()
        .expectBody()
        .jsonPath("$.data[*].id")
        .value(ids -> assertThat(asList(ids)).contains(plain).doesNotContain(first, second))
        .jsonPath("$.data[*].status")
        .value(st -> assertThat(asList(st)).containsOnly("SUSPENDED"));
    http.get()
        .uri("/api/v1/merchants?planId={p}", monthly)
        .exchange()
        .expectBody()
        .jsonPath("$.data[*].id")
        .value(ids -> assertThat(asList(ids)).containsExactly(second));
    http.get()
        .uri("/api/v1/merchants?subscriptionStatus=ACTIVE&limit=100")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.data[*].id")
        .value(
            ids -> {
              List<Object> l = asList(ids);
              assertThat(l).contains(first, second).doesNotContain(plain);
              // renewal due soonest first: the monthly subscription before the yearly one
              assertThat(l.indexOf(second)).isLessThan(l.indexOf(first));
            });
    http.get()
        .uri("/api/v1/merchants?subscriptionStatus=ACTIVE&sort=-renewal&limit=100")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.data[*].id")
        .value(
            ids -> {
              List<Object> l = asList(ids);
              assertThat(l.indexOf(first)).isLessThan(l.indexOf(second));
            });
    http.get()
        .uri(u -> u.path("/api/v1/merchants").queryParam("q", "الورده").build())
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.data.length()")
        .value(n -> assertThat((Integer) n).isPositive());
  }

  @Test
  void refusesUnsupportedListQueries() {
    for (String query :
        List.of(
            "status=ACTIVE&planId=" + MISSING,
            "sort=renewal",
            "subscriptionStatus=ACTIVE&sort=-createdAt",
            "status=ACTIVE&q=rose",
            "status=ACTIVE&sort=renewal")) {
      expectProblem(
          http.get().uri("/api/v1/merchants?" + query).exchange(), 400, "unsupported-query");
    }
    expectFieldError(http.get().uri("/api/v1/merchants?sort=slug").exchange(), "sort");
    expectFieldError(http.get().uri("/api/v1/merchants?planId=nope").exchange(), "planId");
    expectFieldError(http.get().uri("/api/v1/merchants?limit=0").exchange(), "limit");
    http.get().uri("/api/v1/merchants?status=OPEN").exchange().expectStatus().isBadRequest();
  }

  @Test
  void rejectsBadInput() {
    Map<String, Object> bad = merchantBody("Not A Slug");
    bad.put("contactEmail", "not-an-email");
    bad.put("country", "sa");
    bad.put("name", Map.of());
    HashMap<String, Object> noCurrency = new HashMap<>(bad);
    noCurrency.remove("currency");
    post("/api/v1/merchants", noCurrency)
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://kaleem.io/problems/validation")
        .jsonPath("$.errors[*].field")
        .value(
            f ->
                assertThat(asList(f))
                    .contains("slug", "contactEmail", "country", "name.present", "currency"));

    Map<String, Object> body = merchantBody(unique("bad"));
    body.put("country", "XX");
    expectFieldError(post("/api/v1/merchants", body), "country");
    body.put("country", "SA");
    body.put("currency", "GBP");
    expectFieldError(post("/api/v1/merchants", body), "currency");
    body.put("currency", "SAR");
    body.put("status", "ACTIVE");
    post("/api/v1/merchants", body)
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://kaleem.io/problems/malformed-request")
        .jsonPath("$.detail")
        .value(d -> assertThat((String) d).contains("status"));

    String id = fixtures.merchant();
    expectFieldError(patch("/api/v1/merchants/" + id, Map.of("status", "CLOSED")), "status");
    expectFieldError(patch("/api/v1/merchants/" + id, Map.of("country", "ZZ")), "country");
    expectProblem(
        patch("/api/v1/merchants/" + id, Map.of("slug", "other-slug")), 400, "malformed-request");
    expectProblem(
        patch("/api/v1/merchants/" + id, Map.of("currency", "USD")), 400, "malformed-request");

    expectFieldError(http.get().uri("/api/v1/merchants/not-an-id").exchange(), "merchantId");
    expectProblem(http.get().uri("/api/v1/merchants/" + MISSING).exchange(), 404, "not-found");
    expectProblem(
        patch("/api/v1/merchants/" + MISSING, Map.of("status", "ACTIVE")), 404, "not-found");
    expectProblem(http.delete().uri("/api/v1/merchants/" + MISSING).exchange(), 404, "not-found");
    expectFieldError(http.delete().uri("/api/v1/merchants/nope").exchange(), "merchantId");
  }

  @Test
  void pastDueSubscriptionsRenewToActive() {
    String id = fixtures.merchant();
    String base = "/api/v1/merchants/" + id + "/subscription";
    Map<String, Object> s =
        map(ok(put(base, Map.of("planId", plan("MONTHLY", true)))).get("subscription"));
    // Billing marks unpaid subscriptions PAST_DUE once their period ended; this API only reads it.
    Instant end = Instant.now().minus(java.time.Duration.ofDays(3)).truncatedTo(ChronoUnit.MILLIS);
    mongo
        .updateFirst(
            new Query(Criteria.where("_id").is(new ObjectId(id))),
            new Update()
                .set("subscription.status", "PAST_DUE")
                .set("subscription.currentPeriodEnd", java.util.Date.from(end)),
            "merchants")
        .block();
    assertThat(s).containsKey("currentPeriodEnd");
    http.get()
        .uri("/api/v1/merchants?subscriptionStatus=PAST_DUE&limit=100")
        .exchange()
        .expectBody()
        .jsonPath("$.data[*].id")
        .value(ids -> assertThat(asList(ids)).contains(id));
    Map<String, Object> renewed = map(ok(post(base + "/renew", Map.of())).get("subscription"));
    assertThat(renewed).containsEntry("status", "ACTIVE");
    assertThat(Instant.parse((String) renewed.get("currentPeriodEnd")))
        .isEqualTo(BillingInterval.MONTHLY.after(end));
  }

  @Test
  void concurrentRenewalsNeverLoseOrDoubleApplyAPeriod() {
    String id = fixtures.merchant();
    ok(put("/api/v1/merchants/" + id + "/subscription", Map.of("planId", plan("MONTHLY", true))));
    Instant end = Instant.now().minus(java.time.Duration.ofDays(1)).truncatedTo(ChronoUnit.MILLIS);
    periodEndsAt(id, end);

    List<Integer> outcomes =
        Flux.range(0, 8)
            .flatMap(
                i ->
                    Mono.defer(() -> merchants.renew(id))
                        .map(m -> 1)
                        .onErrorResume(
                            ApiException.class,
                            e -> {
                              assertThat(e.type()).isEqualTo(ProblemType.CONFLICT);
                              return Mono.just(0);
                            }),
                8)
            .collectList()
            .block();
    int applied = outcomes.stream().mapToInt(Integer::intValue).sum();
    // One period was due, so exactly one renewal pays for it; the others find it paid.
    assertThat(applied).isEqualTo(1);
    // Each applied renewal advanced the period exactly once from where the previous one left it.
    Instant start = end;
    for (int i = 1; i < applied; i++) {
      start = BillingInterval.MONTHLY.after(start);
    }
    Subscription after = merchants.get(id).block().subscription();
    assertThat(after.currentPeriodStart()).isEqualTo(start);
    assertThat(after.currentPeriodEnd()).isEqualTo(BillingInterval.MONTHLY.after(start));
    assertThat(after.status()).isEqualTo(SubscriptionStatus.ACTIVE);
  }

  @Test
  @SuppressWarnings("unchecked")
  void walksTheRenewalQueueWithCursors() {
    String monthly = plan("MONTHLY", true);
    String yearly = plan("YEARLY", true);
    List<String> mine = new java.util.ArrayList<>();
    for (String p : List.of(yearly, monthly, yearly, monthly)) {
      Map<String, Object> body = merchantBody(unique("queue"));
      body.put("planId", p);
      mine.add((String) create(body).get("id"));
    }
    List<String> seen = new java.util.ArrayList<>();
    List<Instant> ends = new java.util.ArrayList<>();
    String cursor = null;
    do {
      String after = cursor;
      Map<String, Object> page =
          ok(
              http.get()
                  .uri(
                      u -> {
                        u.path("/api/v1/merchants")
                            .queryParam("subscriptionStatus", "ACTIVE")
                            .queryParam("limit", 3);
                        if (after != null) {
                          u.queryParam("after", after);
                        }
                        return u.build();
                      })
                  .exchange());
      for (Object row : (List<Object>) page.get("data")) {
        Map<String, Object> m = map(row);
        seen.add((String) m.get("id"));
        ends.add(Instant.parse((String) map(m.get("subscription")).get("currentPeriodEnd")));
      }
      cursor = (String) map(page.get("page")).get("nextCursor");
    } while (cursor != null);

    assertThat(seen).doesNotHaveDuplicates().containsAll(mine);
    assertThat(ends).isSorted();
  }

  @Test
  void scopeResolvesMerchantsAndTellsClosedOnesApartForWrites() {
    String id = fixtures.merchant();
    assertThat(scope.require(id.toUpperCase(java.util.Locale.ROOT)).block()).isEqualTo(id);
    assertThat(scope.requireOpen(id).block()).isEqualTo(id);
    http.delete().uri("/api/v1/merchants/{id}", id).exchange().expectStatus().isNoContent();
    assertThat(scope.require(id).block()).isEqualTo(id);
    assertThatThrownBy(() -> scope.requireOpen(id).block())
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.type()).isEqualTo(ProblemType.CONFLICT));
    assertThatThrownBy(() -> scope.requireOpen(MISSING).block())
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.type()).isEqualTo(ProblemType.NOT_FOUND));
    assertThatThrownBy(() -> scope.requireOpen("nope").block())
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.type()).isEqualTo(ProblemType.VALIDATION));
    // A closed merchant's catalogue stays readable through scoped routes.
    http.get().uri("/api/v1/merchants/{id}/products", id).exchange().expectStatus().isOk();
  }
}
