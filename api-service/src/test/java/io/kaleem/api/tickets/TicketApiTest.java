package io.kaleem.api.tickets;

import static io.kaleem.api.support.ProblemAssertions.PROBLEMS;
import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.CatalogCoverage;
import io.kaleem.api.support.CommerceFixtures;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.RecordedQueries;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

@ApiTest
class TicketApiTest {

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;
  @Autowired RecordedQueries queries;
  @Autowired TicketService tickets;
  @LocalServerPort int port;
  @Autowired io.kaleem.api.support.Tokens tokens;
  Fixtures fixtures;
  CommerceFixtures commerce;
  String merchant;
  String customer;
  String staff;

  @BeforeEach
  void setUp() {
    // The machine is shared: allow a slow first request rather than fail on the 5 s default.
    http = http.mutate().responseTimeout(java.time.Duration.ofSeconds(60)).build();
    fixtures = new Fixtures(http, mongo);
    commerce = new CommerceFixtures(http, mongo);
    merchant = fixtures.merchant();
    customer = commerce.customer("Layla Haddad");
    staff = commerce.staff(merchant, "Sami Staff");
  }

  WebTestClient.ResponseSpec send(String method, String path, Object body, Object... vars) {
    Object[] all = new Object[vars.length + 1];
    all[0] = merchant;
    System.arraycopy(vars, 0, all, 1, vars.length);
    return http.method(org.springframework.http.HttpMethod.valueOf(method))
        .uri("/api/v1/merchants/{m}/tickets" + path, all)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body)
        .exchange();
  }

  String open(Map<String, Object> body) {
    AtomicReference<String> id = new AtomicReference<>();
    send("POST", "", body)
        .expectStatus()
        .isCreated()
        .expectBody()
        .jsonPath("$.id")
        .value(v -> id.set((String) v));
    return id.get();
  }

  String open(String subject, String message) {
    return open(Map.of("subject", subject, "customerId", customer, "body", message));
  }

  WebTestClient.ResponseSpec message(String ticketId, String authorId, String body) {
    return send("POST", "/{id}/messages", Map.of("authorId", authorId, "body", body), ticketId);
  }

  WebTestClient.ResponseSpec status(String ticketId, String status) {
    return send("POST", "/{id}/status", Map.of("status", status), ticketId);
  }

  WebTestClient.BodyContentSpec list(String query) {
    return http.get()
        .uri("/api/v1/merchants/{m}/tickets" + query, merchant)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody();
  }

  @Test
  void opensATicketAboutAnOrderAndReadsIt() {
    String product = (String) fixtures.product(merchant, "T-1", "5", 5).get("id");
    String order = (String) commerce.order(merchant, customer, product, 1).get("id");
    String id =
        open(
            Map.of(
                "subject",
                "  Parcel arrived damaged ",
                "customerId",
                customer,
                "orderId",
                order,
                "priority",
                "HIGH",
                "assigneeId",
                staff,
                "body",
                "The box was crushed"));

    http.get()
        .uri("/api/v1/merchants/{m}/tickets/{id}", merchant, id)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.number")
        .isEqualTo(1001)
        .jsonPath("$.subject")
        .isEqualTo("Parcel arrived damaged")
        .jsonPath("$.merchantId")
        .isEqualTo(merchant)
        .jsonPath("$.customerId")
        .isEqualTo(customer)
        .jsonPath("$.orderId")
        .isEqualTo(order)
        .jsonPath("$.status")
        .isEqualTo("OPEN")
        .jsonPath("$.priority")
        .isEqualTo("HIGH")
        .jsonPath("$.assigneeId")
        .isEqualTo(staff)
        .jsonPath("$.messageCount")
        .isEqualTo(1)
        // Opened by the platform admin: the first message is the admin's, not the customer's.
        .jsonPath("$.messages[0].authorId")
        .isEqualTo(tokens.admin().userId())
        .jsonPath("$.messages[0].body")
        .isEqualTo("The box was crushed")
        .jsonPath("$.messages[0].id")
        .value(v -> assertThat((String) v).hasSize(24))
        .jsonPath("$.searchTerms")
        .doesNotExist()
        .jsonPath("$.version")
        .doesNotExist();

    // Defaults, and the next number.
    send("POST", "", Map.of("subject", "Where is it?", "customerId", customer, "body", "?!"))
        .expectStatus()
        .isCreated()
        .expectHeader()
        .value("Location", l -> assertThat(l).startsWith("/api/v1/merchants/" + merchant))
        .expectBody()
        .jsonPath("$.number")
        .isEqualTo(1002)
        .jsonPath("$.priority")
        .isEqualTo("NORMAL")
        .jsonPath("$.assigneeId")
        .doesNotExist()
        .jsonPath("$.orderId")
        .doesNotExist();
  }

  @Test
  void listsFiltersAndSearchesTickets() {
    String other = commerce.customer("Omar");
    String agent = commerce.agent("Aisha Agent");
    String first = open("Refund request", "أريد استرداد المبلغ");
    String second =
        open(
            Map.of(
                "subject", "Wrong size",
                "customerId", other,
                "priority", "URGENT",
                "assigneeId", agent,
                "body", "Shoes too small"));
    String third = open("Login trouble", "Cannot sign in");
    status(third, "PENDING").expectStatus().isOk();

    list("")
        .jsonPath("$.data[*].id")
        .isEqualTo(List.of(third, second, first))
        .jsonPath("$.data[0].messages")
        .doesNotExist()
        .jsonPath("$.data[0].messageCount")
        .isEqualTo(1);
    list("?sort=createdAt&limit=1").jsonPath("$.data[*].id").isEqualTo(List.of(first));
    list("?status=PENDING").jsonPath("$.data[*].id").isEqualTo(List.of(third));
    list("?priority=URGENT").jsonPath("$.data[*].id").isEqualTo(List.of(second));
    list("?assigneeId=" + agent).jsonPath("$.data[*].id").isEqualTo(List.of(second));
    list("?customerId=" + other).jsonPath("$.data[*].id").isEqualTo(List.of(second));
    list("?q=refund").jsonPath("$.data[*].id").isEqualTo(List.of(first));
    // Message bodies are searchable too, in Arabic with folded alef and without diacritics.
    list("?q=استرداد").jsonPath("$.data[*].id").isEqualTo(List.of(first));
    list("?q=shoes small").jsonPath("$.data[*].id").isEqualTo(List.of(second));

    http.get()
        .uri("/api/v1/merchants/{m}/tickets?status=OPEN&priority=LOW", merchant)
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo(PROBLEMS + "unsupported-query");
    http.get()
        .uri("/api/v1/merchants/{m}/tickets?priority=SOON", merchant)
        .exchange()
        .expectStatus()
        .isBadRequest();
    http.get()
        .uri("/api/v1/merchants/{m}/tickets?assigneeId=x", merchant)
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.errors[0].field")
        .isEqualTo("assigneeId");
    http.get()
        .uri("/api/v1/merchants/{m}/tickets", fixtures.merchant())
        .exchange()
        .expectBody()
        .jsonPath("$.data.length()")
        .isEqualTo(0);
  }

  @Test
  void conversationAndReopeningOnACustomerReply() {
    String id = open("Broken lamp", "It flickers");
    String agent = commerce.agent("Aisha Agent");
    message(id, agent, "Have you tried another bulb?")
        .expectStatus()
        .isCreated()
        .expectBody()
        .jsonPath("$.messageCount")
        .isEqualTo(2)
        .jsonPath("$.messages[1].authorId")
        .isEqualTo(agent)
        .jsonPath("$.messages[1].body")
        .isEqualTo("Have you tried another bulb?");
    status(id, "RESOLVED").expectStatus().isOk();

    // Staff writing on a resolved ticket leaves it resolved; the customer's reply reopens it.
    message(id, staff, "Glad it works")
        .expectStatus()
        .isCreated()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("RESOLVED");
    message(id, customer, "It broke again")
        .expectStatus()
        .isCreated()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("OPEN")
        .jsonPath("$.messageCount")
        .isEqualTo(4);
    list("?q=bulb").jsonPath("$.data[*].id").isEqualTo(List.of(id));

    // Who may write: not another customer, nor staff of another merchant, nor a suspended agent.
    message(id, commerce.customer("Stranger"), "hi")
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.errors[0].field")
        .isEqualTo("authorId");
    message(id, commerce.staff(fixtures.merchant(), "Elsewhere"), "hi")
        .expectStatus()
        .isBadRequest();
    message(id, commerce.user("Gone", "SUPPORT_AGENT", "SUSPENDED", null), "hi")
        .expectStatus()
        .isBadRequest();
    message(id, customer, "").expectStatus().isBadRequest();
    message(id, customer, "x".repeat(5001))
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.errors[0].field")
        .isEqualTo("body");
    send("POST", "/{id}/messages", Map.of("body", "no author"), id).expectStatus().isBadRequest();

    status(id, "CLOSED").expectStatus().isOk();
    message(id, customer, "hello?")
        .expectStatus()
        .isEqualTo(409)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo(PROBLEMS + "conflict");
  }

  @Test
  void concurrentMessagesAreAllKept() {
    String id = open("Many replies", "first");
    WebClient client = tokens.adminClient(port);
    List<Integer> statuses =
        Flux.range(0, 6)
            .flatMap(
                i ->
                    client
                        .post()
                        .uri("/api/v1/merchants/{m}/tickets/{id}/messages", merchant, id)
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("authorId", staff, "body", "reply number" + i))
                        .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())),
                6)
            .collectList()
            .block();
    assertThat(statuses).containsOnly(201).hasSize(6);
    http.get()
        .uri("/api/v1/merchants/{m}/tickets/{id}", merchant, id)
        .exchange()
        .expectBody()
        .jsonPath("$.messageCount")
        .isEqualTo(7)
        .jsonPath("$.messages.length()")
        .isEqualTo(7);
  }

  @Test
  void aTicketHoldsAtMostFiveHundredMessages() {
    String id = open("Long thread", "message 1");
    Flux.range(2, 499)
        .concatMap(
            i ->
                tickets
                    .addMessage(merchant, id, new TicketRequests.NewMessage(staff, "message " + i))
                    .contextWrite(
                        org.springframework.security.core.context.ReactiveSecurityContextHolder
                            .withAuthentication(staffAuthentication())))
        .blockLast();
    message(id, customer, "one too many")
        .expectStatus()
        .isEqualTo(409)
        .expectBody()
        .jsonPath("$.limit")
        .isEqualTo(500);
    http.get()
        .uri("/api/v1/merchants/{m}/tickets/{id}", merchant, id)
        .exchange()
        .expectBody()
        .jsonPath("$.messageCount")
        .isEqualTo(500)
        .jsonPath("$.messages.length()")
        .isEqualTo(500)
        .jsonPath("$.messages[499].body")
        .isEqualTo("message 500");
    // Search terms stay bounded however long the thread.
    org.bson.Document stored =
        mongo.findById(new org.bson.types.ObjectId(id), org.bson.Document.class, "tickets").block();
    assertThat(stored.getList("searchTerms", String.class))
        .hasSizeLessThanOrEqualTo(TicketService.MAX_SEARCH_TERMS);
  }

  @Test
  void statusMachineAllowsOnlyItsTransitions() {
    String id = open("Status walk", "hello");
    for (String s : List.of("PENDING", "OPEN", "RESOLVED", "OPEN", "PENDING", "RESOLVED")) {
      status(id, s).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo(s);
    }
    status(id, "PENDING")
        .expectStatus()
        .isEqualTo(409)
        .expectBody()
        .jsonPath("$.currentStatus")
        .isEqualTo("RESOLVED")
        .jsonPath("$.requestedStatus")
        .isEqualTo("PENDING")
        .jsonPath("$.allowed")
        .isEqualTo(List.of("OPEN", "CLOSED"));
    status(id, "RESOLVED").expectStatus().isEqualTo(409);
    status(id, "CLOSED").expectStatus().isOk();
    for (String s : List.of("OPEN", "PENDING", "RESOLVED", "CLOSED")) {
      status(id, s)
          .expectStatus()
          .isEqualTo(409)
          .expectBody()
          .jsonPath("$.currentStatus")
          .isEqualTo("CLOSED");
    }
    send("PATCH", "/{id}", Map.of("priority", "LOW"), id).expectStatus().isEqualTo(409);

    String fresh = open("Close directly", "hello");
    status(fresh, "OPEN").expectStatus().isEqualTo(409);
    status(fresh, "CLOSED").expectStatus().isOk();
    status(fresh, "DONE").expectStatus().isBadRequest();
    send("POST", "/{id}/status", Map.of(), fresh)
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.errors[0].field")
        .isEqualTo("status");
  }

  @Test
  void patchChangesSubjectPriorityAndAssignee() {
    String id = open("Old subject", "hello");
    String agent = commerce.agent("Aisha Agent");
    send("PATCH", "/{id}", Map.of("subject", "Invoice missing", "priority", "URGENT"), id)
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.subject")
        .isEqualTo("Invoice missing")
        .jsonPath("$.priority")
        .isEqualTo("URGENT")
        .jsonPath("$.messageCount")
        .isEqualTo(1);
    list("?q=invoice").jsonPath("$.data[*].id").isEqualTo(List.of(id));
    list("?q=old").jsonPath("$.data.length()").isEqualTo(0);

    send("PATCH", "/{id}", Map.of("assigneeId", agent), id)
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.assigneeId")
        .isEqualTo(agent)
        .jsonPath("$.priority")
        .isEqualTo("URGENT");
    send("PATCH", "/{id}", Map.of("assigneeId", staff), id)
        .expectBody()
        .jsonPath("$.assigneeId")
        .isEqualTo(staff);
    send("PATCH", "/{id}", Map.of("assigneeId", ""), id)
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.assigneeId")
        .doesNotExist();

    send("PATCH", "/{id}", Map.of("assigneeId", customer), id)
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.errors[0].field")
        .isEqualTo("assigneeId");
    send("PATCH", "/{id}", Map.of("assigneeId", commerce.staff(fixtures.merchant(), "X")), id)
        .expectStatus()
        .isBadRequest();
    send("PATCH", "/{id}", Map.of("assigneeId", "nope"), id).expectStatus().isBadRequest();
    send("PATCH", "/{id}", Map.of("subject", "   "), id)
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.errors[0].field")
        .isEqualTo("subject");
    send("PATCH", "/{id}", Map.of("subject", "s".repeat(201)), id).expectStatus().isBadRequest();
    send("PATCH", "/{id}", Map.of(), id)
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo(PROBLEMS + "malformed-request");
    send("PATCH", "/{id}", Map.of("status", "CLOSED"), id)
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.detail")
        .value(d -> assertThat((String) d).contains("status"));
  }

  @Test
  void rejectsBadTicketsWithProblemDetails() {
    String product = (String) fixtures.product(merchant, "T-2", "5", 5).get("id");
    String theirOrder =
        (String) commerce.order(merchant, commerce.customer("Other"), product, 1).get("id");
    String otherMerchant = fixtures.merchant();
    String foreignProduct = (String) fixtures.product(otherMerchant, "T-3", "5", 5).get("id");
    String foreignOrder =
        (String) commerce.order(otherMerchant, customer, foreignProduct, 1).get("id");

    expectFieldError(Map.of("customerId", customer, "body", "b"), "subject");
    expectFieldError(Map.of("subject", "s", "customerId", customer), "body");
    expectFieldError(
        Map.of("subject", "s".repeat(201), "customerId", customer, "body", "b"), "subject");
    expectFieldError(
        Map.of("subject", "s", "customerId", customer, "body", "b".repeat(5001)), "body");
    expectFieldError(Map.of("subject", "s", "body", "b"), "customerId");
    expectFieldError(Map.of("subject", "s", "customerId", staff, "body", "b"), "customerId");
    expectFieldError(
        Map.of(
            "subject",
            "s",
            "customerId",
            commerce.user("Off", "CUSTOMER", "DEACTIVATED", null),
            "body",
            "b"),
        "customerId");
    Map<String, Object> base = Map.of("subject", "s", "customerId", customer, "body", "b");
    expectFieldError(with(base, "orderId", theirOrder), "orderId");
    expectFieldError(with(base, "orderId", foreignOrder), "orderId");
    expectFieldError(with(base, "orderId", "123"), "orderId");
    expectFieldError(with(base, "assigneeId", customer), "assigneeId");
    expectFieldError(
        with(base, "assigneeId", commerce.staff(otherMerchant, "Foreign staff")), "assigneeId");
    send("POST", "", with(base, "priority", "SOMEDAY")).expectStatus().isBadRequest();
    send("POST", "", with(base, "status", "CLOSED"))
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo(PROBLEMS + "malformed-request");
    send("POST", "", with(base, "number", 7)).expectStatus().isBadRequest();
    list("").jsonPath("$.data.length()").isEqualTo(0);

    http.post()
        .uri("/api/v1/merchants/{m}/tickets", "0123456789abcdef01234567")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(base)
        .exchange()
        .expectStatus()
        .isNotFound();
    http.get()
        .uri("/api/v1/merchants/{m}/tickets/not-an-id", merchant)
        .exchange()
        .expectStatus()
        .isBadRequest();
  }

  @Test
  void anotherMerchantsTicketIsNotFoundAndTicketsCannotBeDeleted() {
    String id = open("Mine", "hello");
    String other = fixtures.merchant();
    String otherStaff = commerce.staff(other, "Other staff");
    http.get()
        .uri("/api/v1/merchants/{m}/tickets/{id}", other, id)
        .exchange()
        .expectStatus()
        .isNotFound()
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo(PROBLEMS + "not-found");
    http.patch()
        .uri("/api/v1/merchants/{m}/tickets/{id}", other, id)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("priority", "LOW"))
        .exchange()
        .expectStatus()
        .isNotFound();
    http.post()
        .uri("/api/v1/merchants/{m}/tickets/{id}/messages", other, id)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("authorId", otherStaff, "body", "hi"))
        .exchange()
        .expectStatus()
        .isNotFound();
    http.post()
        .uri("/api/v1/merchants/{m}/tickets/{id}/status", other, id)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("status", "CLOSED"))
        .exchange()
        .expectStatus()
        .isNotFound();
    http.get()
        .uri("/api/v1/merchants/{m}/tickets/{id}", merchant, id)
        .exchange()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("OPEN")
        .jsonPath("$.priority")
        .isEqualTo("NORMAL")
        .jsonPath("$.messageCount")
        .isEqualTo(1);

    http.delete()
        .uri("/api/v1/merchants/{m}/tickets/{id}", merchant, id)
        .exchange()
        .expectStatus()
        .isEqualTo(405)
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo(PROBLEMS + "method-not-allowed");
  }

  @Test
  void everyTicketQueryIsServedByTheCatalogIndexes() {
    String product = (String) fixtures.product(merchant, "T-4", "5", 5).get("id");
    String order = (String) commerce.order(merchant, customer, product, 1).get("id");
    queries.clear();
    String id =
        open(
            Map.of(
                "subject", "Coverage",
                "customerId", customer,
                "orderId", order,
                "assigneeId", staff,
                "body", "hello"));
    open("Second", "hello again");
    message(id, customer, "more").expectStatus().isCreated();
    send("PATCH", "/{id}", Map.of("subject", "Covered", "assigneeId", staff), id)
        .expectStatus()
        .isOk();
    status(id, "RESOLVED").expectStatus().isOk();
    AtomicReference<String> next = new AtomicReference<>();
    list("?limit=1").jsonPath("$.page.nextCursor").value(c -> next.set((String) c));
    list("?limit=1&after=" + next.get()).jsonPath("$.data.length()").isEqualTo(1);
    for (String filter :
        List.of(
            "status=RESOLVED",
            "priority=NORMAL",
            "assigneeId=" + staff,
            "customerId=" + customer,
            "q=covered",
            "q=covered more",
            "sort=createdAt")) {
      list("?" + filter);
    }

    assertThat(queries.all()).anyMatch(r -> r.collection().equals("tickets"));
    assertThat(CatalogCoverage.unserved(queries.all(), Set.of("tickets", "orders", "users")))
        .isEmpty();
  }

  static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
    Map<String, Object> m = new HashMap<>(base);
    m.put(key, value);
    return m;
  }

  void expectFieldError(Map<String, Object> body, String field) {
    send("POST", "", body)
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo(PROBLEMS + "validation")
        .jsonPath("$.errors[*].field")
        .value(f -> assertThat(f.toString()).contains(field));
  }

  /** The staff member's authentication, for calling the service directly. */
  org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken
      staffAuthentication() {
    var jwt =
        org.springframework.security.oauth2.jwt.Jwt.withTokenValue("direct-call")
            .header("alg", "ES256")
            .subject(staff)
            .claim("roles", List.of("MERCHANT_STAFF"))
            .claim("mid", merchant)
            .build();
    return new org.springframework.security.oauth2.server.resource.authentication
        .JwtAuthenticationToken(jwt);
  }
}
