package io.kaleem.api.users;

import static io.kaleem.api.support.ProblemAssertions.expectFieldError;
import static io.kaleem.api.support.ProblemAssertions.expectProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kaleem.api.security.Role;
import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.CatalogCoverage;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.RecordedQueries;
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
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

@ApiTest
class UserApiTest {

  static final String MISSING = "0123456789abcdef01234567";

  @Autowired WebTestClient http;
  @Autowired RecordedQueries queries;
  @Autowired ReactiveMongoTemplate mongo;
  @Autowired UserService users;
  @Autowired io.kaleem.api.support.Tokens tokens;

  /** Every role reads its own account at /users/me (the route table allows it for all). */
  @Test
  void everyRoleReadsItsOwnAccount() {
    String merchant = new Fixtures(http, mongo).merchant();
    for (var issued :
        List.of(
            tokens.admin(),
            tokens.owner(merchant),
            tokens.staff(merchant),
            tokens.customer(),
            tokens.support())) {
      http.get()
          .uri("/api/v1/users/me")
          .header("Authorization", issued.bearer())
          .exchange()
          .expectStatus()
          .isOk()
          .expectBody()
          .jsonPath("$.id")
          .isEqualTo(issued.userId())
          .jsonPath("$.role")
          .isEqualTo(issued.role().name());
    }
  }

  Fixtures fixtures;

  /** Every query this test sent (lists, lookups, probes) is served by an index. */
  @AfterEach
  void everyQueryIsServedByAnIndex() {
    assertThat(CatalogCoverage.unserved(queries.all(), Set.of(User.COLLECTION))).isEmpty();
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

  static String uniqueEmail(String local) {
    return local + "." + new ObjectId().toHexString() + "@example.com";
  }

  static Map<String, Object> userBody(String email, String role, String merchantId) {
    Map<String, Object> body = new HashMap<>();
    body.put("email", email);
    body.put("name", "Sara Al-Harbi");
    body.put("role", role);
    if (merchantId != null) {
      body.put("merchantId", merchantId);
    }
    return body;
  }

  WebTestClient.ResponseSpec post(String uri, Object body) {
    return http.post().uri(uri).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
  }

  WebTestClient.ResponseSpec patch(String uri, Object body) {
    return http.patch().uri(uri).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> create(Map<String, Object> body) {
    return post("/api/v1/users", body)
        .expectStatus()
        .isCreated()
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }

  @Test
  void createsReadsUpdatesAndDeactivatesAUser() {
    String email = uniqueEmail("Sara.Harbi");
    Map<String, Object> body = userBody(email, "CUSTOMER", null);
    body.put("phone", "+966501234567");
    var result =
        post("/api/v1/users", body).expectStatus().isCreated().expectBody(Map.class).returnResult();
    @SuppressWarnings("unchecked")
    Map<String, Object> created = result.getResponseBody();
    String id = (String) created.get("id");
    assertThat(result.getResponseHeaders().getLocation()).hasToString("/api/v1/users/" + id);
    assertThat(created)
        .containsEntry("email", email.toLowerCase(java.util.Locale.ROOT))
        .containsEntry("role", "CUSTOMER")
        .containsEntry("status", "ACTIVE")
        .containsEntry("phone", "+966501234567")
        .containsEntry("merchantId", null)
        .doesNotContainKey("searchTerms")
        .doesNotContainKey("password");

    http.get()
        .uri("/api/v1/users/{id}", id)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.name")
        .isEqualTo("Sara Al-Harbi");

    patch(
            "/api/v1/users/" + id,
            Map.of("name", "Sara H.", "phone", "+971501234567", "status", "SUSPENDED"))
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.name")
        .isEqualTo("Sara H.")
        .jsonPath("$.phone")
        .isEqualTo("+971501234567")
        .jsonPath("$.status")
        .isEqualTo("SUSPENDED")
        .jsonPath("$.role")
        .isEqualTo("CUSTOMER");

    patch("/api/v1/users/" + id, Map.of("phone", ""))
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.phone")
        .doesNotExist()
        .jsonPath("$.name")
        .isEqualTo("Sara H.");

    http.delete().uri("/api/v1/users/{id}", id).exchange().expectStatus().isNoContent();
    http.get()
        .uri("/api/v1/users/{id}", id)
        .exchange()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("DEACTIVATED");
    // The contract other packages read: role and status by _id, as plain strings.
    var stored = mongo.findById(new ObjectId(id), org.bson.Document.class, "users").block();
    assertThat(stored)
        .containsEntry("role", "CUSTOMER")
        .containsEntry("status", "DEACTIVATED")
        .containsEntry("email", email.toLowerCase(java.util.Locale.ROOT));
  }

  @Test
  void emailIsUniqueIgnoringCase() {
    String email = uniqueEmail("dup");
    create(userBody(email, "SUPPORT_AGENT", null));
    expectProblem(
        post("/api/v1/users", userBody(email.toUpperCase(java.util.Locale.ROOT), "CUSTOMER", null)),
        409,
        "conflict");
  }

  @Test
  void merchantRolesNeedAnOpenMerchantAndOtherRolesRefuseOne() {
    String merchant = fixtures.merchant();
    Map<String, Object> owner = create(userBody(uniqueEmail("owner"), "MERCHANT_OWNER", merchant));
    assertThat(owner).containsEntry("merchantId", merchant);

    expectFieldError(
        post("/api/v1/users", userBody(uniqueEmail("s"), "MERCHANT_STAFF", null)), "merchantId");
    expectFieldError(
        post("/api/v1/users", userBody(uniqueEmail("s"), "MERCHANT_STAFF", MISSING)), "merchantId");
    expectFieldError(
        post("/api/v1/users", userBody(uniqueEmail("s"), "MERCHANT_STAFF", "nope")), "merchantId");
    expectFieldError(
        post("/api/v1/users", userBody(uniqueEmail("c"), "CUSTOMER", merchant)), "merchantId");
    expectFieldError(
        post("/api/v1/users", userBody(uniqueEmail("a"), "PLATFORM_ADMIN", merchant)),
        "merchantId");

    http.delete().uri("/api/v1/merchants/{id}", merchant).exchange().expectStatus().isNoContent();
    expectFieldError(
        post("/api/v1/users", userBody(uniqueEmail("s"), "MERCHANT_STAFF", merchant)),
        "merchantId");
  }

  @Test
  void listsAMerchantsStaff() {
    String merchant = fixtures.merchant();
    String other = fixtures.merchant();
    String owner =
        (String) create(userBody(uniqueEmail("o"), "MERCHANT_OWNER", merchant)).get("id");
    String staff =
        (String) create(userBody(uniqueEmail("s"), "MERCHANT_STAFF", merchant)).get("id");
    String elsewhere =
        (String) create(userBody(uniqueEmail("e"), "MERCHANT_STAFF", other)).get("id");

    http.get()
        .uri("/api/v1/merchants/{m}/staff", merchant)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.data[*].id")
        .value(ids -> assertThat(asList(ids)).containsExactly(staff, owner));
    http.get()
        .uri("/api/v1/merchants/{m}/staff?role=MERCHANT_OWNER", merchant)
        .exchange()
        .expectBody()
        .jsonPath("$.data[*].id")
        .value(ids -> assertThat(asList(ids)).containsExactly(owner));
    http.get()
        .uri("/api/v1/users?merchantId={m}&role=MERCHANT_STAFF", other)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.data[*].id")
        .value(ids -> assertThat(asList(ids)).containsExactly(elsewhere));
    var first =
        http.get()
            .uri("/api/v1/merchants/{m}/staff?limit=1", merchant)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    @SuppressWarnings("unchecked")
    Map<String, Object> page = (Map<String, Object>) first.get("page");
    http.get()
        .uri(
            u ->
                u.path("/api/v1/merchants/{m}/staff")
                    .queryParam("limit", 1)
                    .queryParam("after", page.get("nextCursor"))
                    .build(merchant))
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.data[0].id")
        .isEqualTo(owner)
        .jsonPath("$.page.hasNext")
        .isEqualTo(false);

    expectFieldError(
        http.get().uri("/api/v1/merchants/{m}/staff?role=CUSTOMER", merchant).exchange(), "role");
    expectProblem(
        http.get().uri("/api/v1/merchants/{m}/staff", MISSING).exchange(), 404, "not-found");
    expectFieldError(http.get().uri("/api/v1/merchants/nope/staff").exchange(), "merchantId");
  }

  @Test
  void listsFiltersAndSearches() {
    String tag = new ObjectId().toHexString();
    Map<String, Object> a = userBody("zq" + tag + "@example.com", "SUPPORT_AGENT", null);
    a.put("name", "نورة العتيبي");
    String agent = (String) create(a).get("id");
    String admin = (String) create(userBody(uniqueEmail("adm"), "PLATFORM_ADMIN", null)).get("id");
    patch("/api/v1/users/" + admin, Map.of("status", "SUSPENDED")).expectStatus().isOk();

    http.get()
        .uri("/api/v1/users?role=SUPPORT_AGENT&limit=100")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.data[*].id")
        .value(ids -> assertThat(asList(ids)).contains(agent).doesNotContain(admin))
        .jsonPath("$.data[*].role")
        .value(r -> assertThat(asList(r)).containsOnly("SUPPORT_AGENT"));
    http.get()
        .uri("/api/v1/users?status=SUSPENDED&limit=100")
        .exchange()
        .expectBody()
        .jsonPath("$.data[*].id")
        .value(ids -> assertThat(asList(ids)).contains(admin).doesNotContain(agent));
    http.get()
        .uri("/api/v1/users?limit=100")
        .exchange()
        .expectBody()
        .jsonPath("$.data[*].id")
        .value(
            ids -> {
              List<Object> l = asList(ids);
              assertThat(l.indexOf(admin)).isLessThan(l.indexOf(agent));
            });
    http.get()
        .uri(u -> u.path("/api/v1/users").queryParam("q", "zq" + tag.substring(0, 10)).build())
        .exchange()
        .expectBody()
        .jsonPath("$.data[*].id")
        .value(ids -> assertThat(asList(ids)).containsExactly(agent));
    http.get()
        .uri(u -> u.path("/api/v1/users").queryParam("q", "نوره").queryParam("limit", 100).build())
        .exchange()
        .expectBody()
        .jsonPath("$.data[*].id")
        .value(ids -> assertThat(asList(ids)).contains(agent));
  }

  @Test
  void refusesUnsupportedListQueries() {
    for (String query :
        List.of(
            "merchantId=" + MISSING,
            "role=CUSTOMER&status=ACTIVE",
            "role=CUSTOMER&q=sara",
            "merchantId=" + MISSING + "&role=MERCHANT_STAFF&status=ACTIVE")) {
      expectProblem(http.get().uri("/api/v1/users?" + query).exchange(), 400, "unsupported-query");
    }
    expectFieldError(http.get().uri("/api/v1/users?sort=email").exchange(), "sort");
    expectFieldError(
        http.get().uri("/api/v1/users?merchantId=nope&role=MERCHANT_STAFF").exchange(),
        "merchantId");
    http.get().uri("/api/v1/users?role=ROOT").exchange().expectStatus().isBadRequest();
  }

  @Test
  void rejectsBadInput() {
    Map<String, Object> bad = new HashMap<>();
    bad.put("email", "not-an-email");
    bad.put("name", " ");
    bad.put("phone", "0501234567");
    post("/api/v1/users", bad)
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://kaleem.io/problems/validation")
        .jsonPath("$.errors[*].field")
        .value(f -> assertThat(asList(f)).contains("email", "name", "phone", "role"));

    Map<String, Object> withPassword = userBody(uniqueEmail("p"), "CUSTOMER", null);
    withPassword.put("password", "secret");
    post("/api/v1/users", withPassword)
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://kaleem.io/problems/malformed-request")
        .jsonPath("$.detail")
        .value(d -> assertThat((String) d).contains("password"));
    Map<String, Object> badRole = userBody(uniqueEmail("r"), "ROOT", null);
    expectProblem(post("/api/v1/users", badRole), 400, "malformed-request");

    String id = (String) create(userBody(uniqueEmail("u"), "CUSTOMER", null)).get("id");
    expectFieldError(patch("/api/v1/users/" + id, Map.of("name", "  ")), "name");
    expectFieldError(patch("/api/v1/users/" + id, Map.of("phone", "+0123")), "phone");
    expectProblem(
        patch("/api/v1/users/" + id, Map.of("role", "PLATFORM_ADMIN")), 400, "malformed-request");
    expectProblem(
        patch("/api/v1/users/" + id, Map.of("email", "x@example.com")), 400, "malformed-request");

    expectFieldError(http.get().uri("/api/v1/users/not-an-id").exchange(), "userId");
    expectProblem(http.get().uri("/api/v1/users/" + MISSING).exchange(), 404, "not-found");
    expectProblem(patch("/api/v1/users/" + MISSING, Map.of("name", "x")), 404, "not-found");
    expectProblem(http.delete().uri("/api/v1/users/" + MISSING).exchange(), 404, "not-found");
    expectFieldError(http.delete().uri("/api/v1/users/nope").exchange(), "userId");
  }

  @Test
  void otherPackagesResolveActiveUsersOfARole() {
    String agent = (String) create(userBody(uniqueEmail("agent"), "SUPPORT_AGENT", null)).get("id");
    String customer = (String) create(userBody(uniqueEmail("cust"), "CUSTOMER", null)).get("id");
    var agents = java.util.Set.of(Role.SUPPORT_AGENT);

    assertThat(users.requireActive(agent, agents, "assigneeId").block().role())
        .isEqualTo(Role.SUPPORT_AGENT);
    for (String wrong : List.of(customer, MISSING, "nope")) {
      assertThatThrownBy(() -> users.requireActive(wrong, agents, "assigneeId").block())
          .isInstanceOfSatisfying(
              io.kaleem.api.errors.ApiException.class,
              e -> {
                assertThat(e.type()).isEqualTo(io.kaleem.api.errors.ProblemType.VALIDATION);
                assertThat(e.getMessage()).startsWith("'assigneeId'");
              });
    }
    http.delete().uri("/api/v1/users/{id}", agent).exchange().expectStatus().isNoContent();
    assertThatThrownBy(() -> users.requireActive(agent, agents, "assigneeId").block())
        .isInstanceOf(io.kaleem.api.errors.ApiException.class);
  }
}
