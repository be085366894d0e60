package io.kaleem.api.security;

import static io.kaleem.api.support.ProblemAssertions.expectProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.CommerceFixtures;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.Tokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * OWASP API1 inside a merchant: customer A against customer B's orders and tickets, on every order
 * and ticket route, reads and writes; lists (with cursors) never show B's rows; no impersonation
 * through {@code customerId} or {@code authorId}.
 */
@ApiTest
class CustomerOwnershipTest {

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;
  @Autowired Tokens tokens;

  Fixtures fixtures;
  CommerceFixtures commerce;
  String merchant;
  String product;
  Tokens.Issued alice;
  Tokens.Issued bob;

  @BeforeEach
  void setUp() {
    http = http.mutate().responseTimeout(java.time.Duration.ofSeconds(60)).build();
    fixtures = new Fixtures(http, mongo);
    commerce = new CommerceFixtures(http, mongo);
    merchant = fixtures.merchant();
    product = (String) fixtures.product(merchant, "OWN-1", "10.00", 100).get("id");
    alice = tokens.customer();
    bob = tokens.customer();
  }

  WebTestClient.ResponseSpec call(
      Tokens.Issued as, HttpMethod method, String path, Object body, Object... vars) {
    Object[] all = new Object[vars.length + 1];
    all[0] = merchant;
    System.arraycopy(vars, 0, all, 1, vars.length);
    var spec =
        http.method(method)
            .uri("/api/v1/merchants/{m}" + path, all)
            .header(HttpHeaders.AUTHORIZATION, as.bearer());
    if (body == null) {
      return spec.exchange();
    }
    return spec.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> json(WebTestClient.ResponseSpec spec, int status) {
    return spec.expectStatus()
        .isEqualTo(status)
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }

  Map<String, Object> orderBody(String customerId) {
    return Map.of(
        "customerId", customerId, "items", List.of(Map.of("productId", product, "quantity", 1)));
  }

  String placeOrder(Tokens.Issued as) {
    return (String)
        json(call(as, HttpMethod.POST, "/orders", orderBody(as.userId())), 201).get("id");
  }

  String openTicket(Tokens.Issued as) {
    return (String)
        json(
                call(
                    as,
                    HttpMethod.POST,
                    "/tickets",
                    Map.of("subject", "Help", "customerId", as.userId(), "body", "hello")),
                201)
            .get("id");
  }

  @SuppressWarnings("unchecked")
  List<String> allIds(Tokens.Issued as, String path) {
    List<String> ids = new ArrayList<>();
    String cursor = null;
    do {
      String uri = path + "?limit=2" + (cursor == null ? "" : "&after=" + cursor);
      Map<String, Object> page = json(call(as, HttpMethod.GET, uri, null), 200);
      ((List<Map<String, Object>>) page.get("data")).forEach(r -> ids.add((String) r.get("id")));
      cursor = (String) ((Map<String, Object>) page.get("page")).get("nextCursor");
    } while (cursor != null);
    return ids;
  }

  @Test
  void aCustomerCannotReadOrChangeAnotherCustomersOrder() {
    String bobs = placeOrder(bob);

    expectProblem(call(alice, HttpMethod.GET, "/orders/{id}", null, bobs), 404, "not-found");
    expectProblem(
        call(alice, HttpMethod.POST, "/orders/{id}/status", Map.of("status", "CANCELLED"), bobs),
        404,
        "not-found");
    // Methods the route policy refuses to customers on orders.
    for (HttpMethod m : List.of(HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE)) {
      call(alice, m, "/orders/{id}", Map.of(), bobs).expectStatus().isForbidden();
    }
    // Bob's order is untouched and his own view works.
    assertThat(json(call(bob, HttpMethod.GET, "/orders/{id}", null, bobs), 200).get("status"))
        .isEqualTo("PENDING");
  }

  @Test
  void aCustomerOrdersOnlyForThemself() {
    expectProblem(
        call(alice, HttpMethod.POST, "/orders", orderBody(bob.userId())), 403, "forbidden");
    assertThat(commerce.orderCount(merchant)).isZero();
    // Upper-case hex names the same user: still Alice's own order.
    Map<String, Object> own =
        json(call(alice, HttpMethod.POST, "/orders", orderBody(alice.userId().toUpperCase())), 201);
    assertThat(own.get("customerId")).isEqualTo(alice.userId());
  }

  @Test
  @SuppressWarnings("unchecked")
  void aCustomersOrderListHoldsOnlyTheirOwnOrdersAcrossPages() {
    List<String> alices = new ArrayList<>();
    List<String> bobs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      alices.add(placeOrder(alice));
      bobs.add(placeOrder(bob));
    }

    assertThat(allIds(alice, "/orders")).containsExactlyInAnyOrderElementsOf(alices);
    assertThat(allIds(bob, "/orders")).containsExactlyInAnyOrderElementsOf(bobs);
    // Naming Bob as the customer still lists only Alice's orders.
    Map<String, Object> page =
        json(call(alice, HttpMethod.GET, "/orders?customerId=" + bob.userId(), null), 200);
    assertThat((List<Map<String, Object>>) page.get("data"))
        .extracting(r -> r.get("id"))
        .containsExactlyInAnyOrderElementsOf(alices);
    // A platform admin (default client) still sees both.
    assertThat(allIds(tokens.admin(), "/orders")).hasSize(6);
  }

  @Test
  void aCustomerMayOnlyCancelTheirOwnPendingOrder() {
    String own = placeOrder(alice);
    expectProblem(
        call(alice, HttpMethod.POST, "/orders/{id}/status", Map.of("status", "PAID"), own),
        403,
        "forbidden");
    assertThat(
            json(
                    call(
                        alice,
                        HttpMethod.POST,
                        "/orders/{id}/status",
                        Map.of("status", "CANCELLED"),
                        own),
                    200)
                .get("status"))
        .isEqualTo("CANCELLED");
    assertThat(commerce.stock(product)).isEqualTo(100);

    String paid = placeOrder(alice);
    json(
        call(
            tokens.admin(), HttpMethod.POST, "/orders/{id}/status", Map.of("status", "PAID"), paid),
        200);
    expectProblem(
        call(alice, HttpMethod.POST, "/orders/{id}/status", Map.of("status", "CANCELLED"), paid),
        409,
        "conflict");
    // Staff of the merchant are unchanged: they may cancel a paid order.
    json(
        call(
            tokens.staff(merchant),
            HttpMethod.POST,
            "/orders/{id}/status",
            Map.of("status", "CANCELLED"),
            paid),
        200);
  }

  @Test
  void aCustomerCannotReadOrWriteAnotherCustomersTicket() {
    String bobs = openTicket(bob);

    expectProblem(call(alice, HttpMethod.GET, "/tickets/{id}", null, bobs), 404, "not-found");
    expectProblem(
        call(
            alice,
            HttpMethod.POST,
            "/tickets/{id}/messages",
            Map.of("authorId", alice.userId(), "body", "let me in"),
            bobs),
        404,
        "not-found");
    expectProblem(
        call(alice, HttpMethod.POST, "/tickets/{id}/status", Map.of("status", "CLOSED"), bobs),
        404,
        "not-found");
    call(alice, HttpMethod.PATCH, "/tickets/{id}", Map.of("subject", "mine"), bobs)
        .expectStatus()
        .isForbidden();
    call(alice, HttpMethod.DELETE, "/tickets/{id}", null, bobs).expectStatus().isForbidden();

    Map<String, Object> ticket = json(call(bob, HttpMethod.GET, "/tickets/{id}", null, bobs), 200);
    assertThat(ticket.get("status")).isEqualTo("OPEN");
    assertThat(ticket.get("subject")).isEqualTo("Help");
    assertThat(ticket.get("messageCount")).isEqualTo(1);
  }

  @Test
  @SuppressWarnings("unchecked")
  void aCustomersTicketListHoldsOnlyTheirOwnTicketsAcrossPages() {
    List<String> alices = new ArrayList<>();
    List<String> bobs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      alices.add(openTicket(alice));
      bobs.add(openTicket(bob));
    }
    assertThat(allIds(alice, "/tickets")).containsExactlyInAnyOrderElementsOf(alices);
    assertThat(allIds(bob, "/tickets")).containsExactlyInAnyOrderElementsOf(bobs);
    Map<String, Object> page =
        json(call(alice, HttpMethod.GET, "/tickets?customerId=" + bob.userId(), null), 200);
    assertThat((List<Map<String, Object>>) page.get("data"))
        .extracting(r -> r.get("id"))
        .containsExactlyInAnyOrderElementsOf(alices);
  }

  @Test
  void aCustomerOpensTicketsOnlyForThemselfAndCannotAssignThem() {
    expectProblem(
        call(
            alice,
            HttpMethod.POST,
            "/tickets",
            Map.of("subject", "Help", "customerId", bob.userId(), "body", "hi")),
        403,
        "forbidden");
    String staff = tokens.staff(merchant).userId();
    expectProblem(
        call(
            alice,
            HttpMethod.POST,
            "/tickets",
            Map.of(
                "subject",
                "Help",
                "customerId",
                alice.userId(),
                "assigneeId",
                staff,
                "body",
                "hi")),
        403,
        "forbidden");
    assertThat(allIds(tokens.admin(), "/tickets")).isEmpty();
  }

  @Test
  void aCustomerWritesMessagesOnlyAsThemselfAndMayOnlyCloseTheirTicket() {
    String own = openTicket(alice);
    expectProblem(
        call(
            alice,
            HttpMethod.POST,
            "/tickets/{id}/messages",
            Map.of("authorId", bob.userId(), "body", "as bob"),
            own),
        403,
        "forbidden");
    json(
        call(
            alice,
            HttpMethod.POST,
            "/tickets/{id}/messages",
            Map.of("authorId", alice.userId(), "body", "more detail"),
            own),
        201);
    expectProblem(
        call(alice, HttpMethod.POST, "/tickets/{id}/status", Map.of("status", "RESOLVED"), own),
        403,
        "forbidden");
    call(alice, HttpMethod.PATCH, "/tickets/{id}", Map.of("priority", "URGENT"), own)
        .expectStatus()
        .isForbidden();
    assertThat(
            json(
                    call(
                        alice,
                        HttpMethod.POST,
                        "/tickets/{id}/status",
                        Map.of("status", "CLOSED"),
                        own),
                    200)
                .get("status"))
        .isEqualTo("CLOSED");
  }

  @Test
  void staffAndSupportWriteMessagesOnlyAsThemselfAdminsMayWriteForOthers() {
    String ticket = openTicket(alice);
    Tokens.Issued staff = tokens.staff(merchant);
    Tokens.Issued support = tokens.support();

    for (Tokens.Issued agent : List.of(staff, support)) {
      expectProblem(
          call(
              agent,
              HttpMethod.POST,
              "/tickets/{id}/messages",
              Map.of("authorId", alice.userId(), "body", "pretending"),
              ticket),
          403,
          "forbidden");
      json(
          call(
              agent,
              HttpMethod.POST,
              "/tickets/{id}/messages",
              Map.of("authorId", agent.userId(), "body", "on it"),
              ticket),
          201);
    }
    // Staff and support keep every other ticket action.
    json(call(staff, HttpMethod.PATCH, "/tickets/{id}", Map.of("priority", "HIGH"), ticket), 200);
    json(
        call(support, HttpMethod.POST, "/tickets/{id}/status", Map.of("status", "PENDING"), ticket),
        200);
    // A platform admin may write on behalf of the ticket's customer (e.g. a phoned-in reply).
    Map<String, Object> after =
        json(
            call(
                tokens.admin(),
                HttpMethod.POST,
                "/tickets/{id}/messages",
                Map.of("authorId", alice.userId(), "body", "by phone"),
                ticket),
            201);
    assertThat(after.get("messageCount")).isEqualTo(4);
  }
}
