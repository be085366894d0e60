package io.kaleem.api.orders;

import static io.kaleem.api.support.ProblemAssertions.PROBLEMS;
import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.CatalogCoverage;
import io.kaleem.api.support.CommerceFixtures;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.RecordedQueries;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.util.function.Tuple2;
import reactor.util.function.Tuples;

@ApiTest
class OrderApiTest {

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;
  @Autowired RecordedQueries queries;
  @LocalServerPort int port;
  @Autowired io.kaleem.api.support.Tokens tokens;
  Fixtures fixtures;
  CommerceFixtures commerce;
  String merchant;
  String customer;

  @BeforeEach
  void setUp() {
    // The machine is shared: allow a slow first request rather than fail on the 5 s default.
    http = http.mutate().responseTimeout(java.time.Duration.ofSeconds(60)).build();
    fixtures = new Fixtures(http, mongo);
    commerce = new CommerceFixtures(http, mongo);
    merchant = fixtures.merchant();
    customer = commerce.customer("Layla Haddad");
  }

  String product(String sku, String price, int stock) {
    return (String) fixtures.product(merchant, sku, price, stock).get("id");
  }

  WebTestClient.ResponseSpec post(String path, Object body, Object... vars) {
    return http.post()
        .uri("/api/v1/merchants/{m}/orders" + path, prepend(merchant, vars))
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body)
        .exchange();
  }

  WebTestClient.ResponseSpec status(String orderId, String status) {
    return post("/{id}/status", Map.of("status", status), orderId);
  }

  static Object[] prepend(Object first, Object... rest) {
    Object[] all = new Object[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  static Map<String, Object> body(String customerId, Object... productAndQty) {
    List<Map<String, Object>> items = new ArrayList<>();
    for (int i = 0; i < productAndQty.length; i += 2) {
      items.add(Map.of("productId", productAndQty[i], "quantity", productAndQty[i + 1]));
    }
    return Map.of("customerId", customerId, "items", items);
  }

  @Test
  void placesAnOrderWithServerComputedTotalsAndWalksItToDelivered() {
    String tea = product("TEA-1", "12.50", 10);
    String cup = product("CUP-1", "3.25", 5);
    Map<String, Object> req = new HashMap<>(body(customer, tea, 2, cup, 3));
    req.put(
        "shippingAddress",
        Map.of(
            "recipient", "Layla Haddad",
            "phone", "+966 500000000",
            "line1", "King Fahd Rd 1",
            "city", "Riyadh",
            "country", "SA"));
    req.put("note", "Ring twice");

    AtomicReference<String> created = new AtomicReference<>();
    post("", req)
        .expectStatus()
        .isCreated()
        .expectHeader()
        .value("Location", l -> assertThat(l).startsWith("/api/v1/merchants/" + merchant))
        .expectHeader()
        .doesNotExist("Idempotent-Replayed")
        .expectBody()
        .jsonPath("$.number")
        .isEqualTo(1001)
        .jsonPath("$.status")
        .isEqualTo("PENDING")
        .jsonPath("$.currency")
        .isEqualTo("SAR")
        .jsonPath("$.items[0].sku")
        .isEqualTo("TEA-1")
        .jsonPath("$.items[0].name.en")
        .isEqualTo("Product TEA-1")
        .jsonPath("$.items[0].unitPrice")
        .isEqualTo(12.5)
        .jsonPath("$.items[0].lineTotal")
        .isEqualTo(25.0)
        .jsonPath("$.items[1].lineTotal")
        .isEqualTo(9.75)
        .jsonPath("$.subtotal")
        .isEqualTo(34.75)
        .jsonPath("$.total")
        .isEqualTo(34.75)
        .jsonPath("$.shippingAddress.city")
        .isEqualTo("Riyadh")
        .jsonPath("$.note")
        .isEqualTo("Ring twice")
        .jsonPath("$.statusHistory.length()")
        .isEqualTo(1)
        .jsonPath("$.searchTerms")
        .doesNotExist()
        .jsonPath("$.idempotencyKey")
        .doesNotExist()
        .jsonPath("$.id")
        .value(v -> created.set((String) v));
    String id = created.get();
    http.get()
        .uri("/api/v1/merchants/{m}/orders/{id}", merchant, id)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.number")
        .isEqualTo(1001)
        .jsonPath("$.total")
        .isEqualTo(34.75);
    assertThat(commerce.stock(tea)).isEqualTo(8);
    // The next order of the merchant takes the next number.
    assertThat(commerce.order(merchant, customer, tea, 1)).containsEntry("number", 1002);
    assertThat(commerce.stock(tea)).isEqualTo(7);
    assertThat(commerce.stock(cup)).isEqualTo(2);

    for (String next : List.of("PAID", "SHIPPED", "DELIVERED")) {
      post("/{id}/status", Map.of("status", next, "reason", "step " + next), id)
          .expectStatus()
          .isOk()
          .expectBody()
          .jsonPath("$.status")
          .isEqualTo(next);
    }
    http.get()
        .uri("/api/v1/merchants/{m}/orders/{id}", merchant, id)
        .exchange()
        .expectBody()
        .jsonPath("$.statusHistory.length()")
        .isEqualTo(4)
        .jsonPath("$.statusHistory[0].to")
        .isEqualTo("PENDING")
        .jsonPath("$.statusHistory[3].from")
        .isEqualTo("SHIPPED")
        .jsonPath("$.statusHistory[3].to")
        .isEqualTo("DELIVERED")
        .jsonPath("$.statusHistory[3].reason")
        .isEqualTo("step DELIVERED");
    // Delivering does not touch stock.
    assertThat(commerce.stock(tea)).isEqualTo(7);
  }

  @Test
  void listsFiltersAndSearchesOrders() {
    String tea = product("TEA-2", "1", 100);
    String other = commerce.customer("Omar Farouk");
    String first = (String) commerce.order(merchant, customer, tea, 1).get("id");
    String second = (String) commerce.order(merchant, other, tea, 1).get("id");
    String third = (String) commerce.order(merchant, customer, tea, 1).get("id");
    status(third, "PAID").expectStatus().isOk();

    http.get()
        .uri("/api/v1/merchants/{m}/orders", merchant)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.data[*].id")
        .isEqualTo(List.of(third, second, first));
    http.get()
        .uri("/api/v1/merchants/{m}/orders?sort=createdAt&limit=2", merchant)
        .exchange()
        .expectBody()
        .jsonPath("$.data[*].id")
        .isEqualTo(List.of(first, second))
        .jsonPath("$.page.hasNext")
        .isEqualTo(true);
    http.get()
        .uri("/api/v1/merchants/{m}/orders?status=PAID", merchant)
        .exchange()
        .expectBody()
        .jsonPath("$.data[*].id")
        .isEqualTo(List.of(third));
    http.get()
        .uri("/api/v1/merchants/{m}/orders?customerId={c}", merchant, other)
        .exchange()
        .expectBody()
        .jsonPath("$.data[*].id")
        .isEqualTo(List.of(second));
    http.get()
        .uri("/api/v1/merchants/{m}/orders?q=omar", merchant)
        .exchange()
        .expectBody()
        .jsonPath("$.data[*].id")
        .isEqualTo(List.of(second));
    http.get()
        .uri("/api/v1/merchants/{m}/orders?q=1001", merchant)
        .exchange()
        .expectBody()
        .jsonPath("$.data[*].id")
        .isEqualTo(List.of(first));
    // Two filters at once: no catalog index serves it.
    http.get()
        .uri("/api/v1/merchants/{m}/orders?status=PAID&customerId={c}", merchant, customer)
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo(PROBLEMS + "unsupported-query");
    http.get()
        .uri("/api/v1/merchants/{m}/orders?sort=total", merchant)
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.errors[0].field")
        .isEqualTo("sort");
    // Another merchant sees none of them.
    http.get()
        .uri("/api/v1/merchants/{m}/orders", fixtures.merchant())
        .exchange()
        .expectBody()
        .jsonPath("$.data.length()")
        .isEqualTo(0);
  }

  @Test
  void insufficientStockIsAConflictNamingTheProductAndChangesNoStock() {
    String plenty = product("PLENTY", "2", 50);
    String scarce = product("SCARCE", "2", 1);
    post("", body(customer, plenty, 3, scarce, 2))
        .expectStatus()
        .isEqualTo(409)
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo(PROBLEMS + "conflict")
        .jsonPath("$.productId")
        .isEqualTo(scarce)
        .jsonPath("$.sku")
        .isEqualTo("SCARCE")
        .jsonPath("$.detail")
        .value(d -> assertThat((String) d).contains("SCARCE"));
    assertThat(commerce.stock(plenty)).isEqualTo(50);
    assertThat(commerce.stock(scarce)).isEqualTo(1);
    assertThat(commerce.orderCount(merchant)).isZero();
  }

  @Test
  void aRetryWithTheSameIdempotencyKeyReturnsTheFirstOrder() {
    String tea = product("TEA-3", "4", 10);
    Map<String, Object> req = body(customer, tea, 3);
    String id =
        (String)
            http.post()
                .uri("/api/v1/merchants/{m}/orders", merchant)
                .header("Idempotency-Key", "order-42_a")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(req)
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("id");

    http.post()
        .uri("/api/v1/merchants/{m}/orders", merchant)
        .header("Idempotency-Key", "order-42_a")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(req)
        .exchange()
        .expectStatus()
        .isOk()
        .expectHeader()
        .valueEquals("Idempotent-Replayed", "true")
        .expectBody()
        .jsonPath("$.id")
        .isEqualTo(id)
        .jsonPath("$.number")
        .isEqualTo(1001);
    assertThat(commerce.stock(tea)).isEqualTo(7);
    assertThat(commerce.orderCount(merchant)).isEqualTo(1);

    // Same key, different request: refused, nothing placed or reserved.
    http.post()
        .uri("/api/v1/merchants/{m}/orders", merchant)
        .header("Idempotency-Key", "order-42_a")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body(customer, tea, 4))
        .exchange()
        .expectStatus()
        .isEqualTo(409)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo(PROBLEMS + "conflict")
        .jsonPath("$.orderId")
        .isEqualTo(id);
    assertThat(commerce.stock(tea)).isEqualTo(7);

    // The key belongs to the customer: another customer's order with it is a new order.
    http.post()
        .uri("/api/v1/merchants/{m}/orders", merchant)
        .header("Idempotency-Key", "order-42_a")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body(commerce.customer("Sara"), tea, 3))
        .exchange()
        .expectStatus()
        .isCreated();
    assertThat(commerce.stock(tea)).isEqualTo(4);

    // Without a key every POST is a new order.
    commerce.order(merchant, customer, tea, 1);
    commerce.order(merchant, customer, tea, 1);
    assertThat(commerce.orderCount(merchant)).isEqualTo(4);
    assertThat(commerce.stock(tea)).isEqualTo(2);

    for (String bad : List.of("has space", "x".repeat(65), "dots.are.not.allowed", "")) {
      http.post()
          .uri("/api/v1/merchants/{m}/orders", merchant)
          .header("Idempotency-Key", bad)
          .contentType(MediaType.APPLICATION_JSON)
          .bodyValue(req)
          .exchange()
          .expectStatus()
          .isBadRequest()
          .expectBody()
          .jsonPath("$.errors[0].field")
          .isEqualTo("Idempotency-Key");
    }
    assertThat(commerce.orderCount(merchant)).isEqualTo(4);
  }

  @Test
  void aReplayMayListTheLinesInAnotherOrderAndSpellIdsInUpperCase() {
    String tea = product("TEA-10", "2", 10);
    String cup = product("CUP-10", "3", 10);
    String first =
        (String)
            http.post()
                .uri("/api/v1/merchants/{m}/orders", merchant)
                .header("Idempotency-Key", "reorder")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body(customer, tea, 1, cup, 2))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("id");
    http.post()
        .uri("/api/v1/merchants/{m}/orders", merchant)
        .header("Idempotency-Key", "reorder")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body(customer.toUpperCase(), cup.toUpperCase(), 2, tea, 1))
        .exchange()
        .expectStatus()
        .isOk()
        .expectHeader()
        .valueEquals("Idempotent-Replayed", "true")
        .expectBody()
        .jsonPath("$.id")
        .isEqualTo(first);
    assertThat(commerce.stock(tea)).isEqualTo(9);
    assertThat(commerce.stock(cup)).isEqualTo(8);
  }

  @Test
  void concurrentRequestsWithOneIdempotencyKeyPlaceOneOrderAndReserveOnce() {
    String tea = product("TEA-4", "4", 100);
    Map<String, Object> req = body(customer, tea, 5);
    WebClient client = adminClient();
    List<Tuple2<Integer, String>> results =
        Flux.range(0, 12)
            .flatMap(
                i ->
                    client
                        .post()
                        .uri("/api/v1/merchants/{m}/orders", merchant)
                        .header("Idempotency-Key", "same-key")
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(req)
                        .exchangeToMono(
                            r ->
                                r.bodyToMono(Map.class)
                                    .map(
                                        b ->
                                            Tuples.of(
                                                r.statusCode().value(), (String) b.get("id")))),
                12)
            .collectList()
            .block();

    assertThat(results).hasSize(12);
    assertThat(results.stream().map(Tuple2::getT1)).containsOnly(201, 200);
    assertThat(results.stream().filter(r -> r.getT1() == 201)).hasSize(1);
    assertThat(results.stream().map(Tuple2::getT2).distinct()).hasSize(1);
    assertThat(commerce.orderCount(merchant)).isEqualTo(1);
    assertThat(commerce.stock(tea)).isEqualTo(95);
  }

  @Test
  void fiftyConcurrentOrdersForTheLastTenItemsSellExactlyTen() {
    String last = product("LAST-10", "9.99", 10);
    WebClient client = adminClient();
    List<String> customers =
        IntStream.range(0, 5).mapToObj(i -> commerce.customer("Buyer " + i)).toList();
    List<Integer> statuses =
        Flux.range(0, 50)
            .flatMap(
                i ->
                    client
                        .post()
                        .uri("/api/v1/merchants/{m}/orders", merchant)
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(body(customers.get(i % 5), last, 1))
                        .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())),
                50)
            .collectList()
            .block();

    assertThat(statuses).hasSize(50);
    assertThat(statuses.stream().filter(s -> s == 201)).hasSize(10);
    assertThat(statuses.stream().filter(s -> s == 409)).hasSize(40);
    assertThat(commerce.stock(last)).isZero();
    assertThat(commerce.orderCount(merchant)).isEqualTo(10);
  }

  @Test
  void failedLinesReleaseWhatOtherLinesReservedUnderContention() {
    String a = product("PAIR-A", "1", 10);
    String b = product("PAIR-B", "1", 10);
    WebClient client = adminClient();
    List<Integer> statuses =
        Flux.range(0, 30)
            .flatMap(
                i ->
                    client
                        .post()
                        .uri("/api/v1/merchants/{m}/orders", merchant)
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(
                            i % 2 == 0 ? body(customer, a, 1, b, 1) : body(customer, b, 1, a, 1))
                        .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())),
                30)
            .collectList()
            .block();

    long placed = statuses.stream().filter(s -> s == 201).count();
    assertThat(statuses).containsOnly(201, 409);
    assertThat(placed).isLessThanOrEqualTo(10L);
    // Every failed order gave back what it had taken: both products moved together.
    assertThat(commerce.stock(a)).isEqualTo(10 - (int) placed);
    assertThat(commerce.stock(b)).isEqualTo(10 - (int) placed);
    assertThat(commerce.orderCount(merchant)).isEqualTo(placed);
  }

  @Test
  void illegalTransitionsAreConflictsNamingBothStatuses() {
    String tea = product("TEA-5", "1", 10);
    String id = (String) commerce.order(merchant, customer, tea, 1).get("id");
    status(id, "SHIPPED")
        .expectStatus()
        .isEqualTo(409)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo(PROBLEMS + "conflict")
        .jsonPath("$.currentStatus")
        .isEqualTo("PENDING")
        .jsonPath("$.requestedStatus")
        .isEqualTo("SHIPPED")
        .jsonPath("$.allowed")
        .isEqualTo(List.of("PAID", "CANCELLED"));
    status(id, "PENDING").expectStatus().isEqualTo(409);
    status(id, "PAID").expectStatus().isOk();
    status(id, "PAID").expectStatus().isEqualTo(409);
    status(id, "SHIPPED").expectStatus().isOk();
    status(id, "CANCELLED")
        .expectStatus()
        .isEqualTo(409)
        .expectBody()
        .jsonPath("$.currentStatus")
        .isEqualTo("SHIPPED");
    status(id, "DELIVERED").expectStatus().isOk();
    for (String s : List.of("PENDING", "PAID", "SHIPPED", "CANCELLED")) {
      status(id, s)
          .expectStatus()
          .isEqualTo(409)
          .expectBody()
          .jsonPath("$.allowed.length()")
          .isEqualTo(0);
    }
    status(id, "LOST")
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo(PROBLEMS + "malformed-request");
    post("/{id}/status", Map.of(), id)
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.errors[0].field")
        .isEqualTo("status");
    post("/{id}/status", Map.of("status", "PAID", "reason", "r".repeat(501)), id)
        .expectStatus()
        .isBadRequest();
  }

  @Test
  void cancellingReturnsTheStockExactlyOnce() {
    String tea = product("TEA-6", "1", 10);
    String pending = (String) commerce.order(merchant, customer, tea, 3).get("id");
    assertThat(commerce.stock(tea)).isEqualTo(7);
    status(pending, "CANCELLED").expectStatus().isOk();
    assertThat(commerce.stock(tea)).isEqualTo(10);
    status(pending, "CANCELLED").expectStatus().isEqualTo(409);
    status(pending, "PAID").expectStatus().isEqualTo(409);
    assertThat(commerce.stock(tea)).isEqualTo(10);

    // From PAID, with many cancellations racing: one wins, stock comes back once.
    String paid = (String) commerce.order(merchant, customer, tea, 4).get("id");
    status(paid, "PAID").expectStatus().isOk();
    assertThat(commerce.stock(tea)).isEqualTo(6);
    WebClient client = adminClient();
    List<Integer> statuses =
        Flux.range(0, 10)
            .flatMap(
                i ->
                    client
                        .post()
                        .uri("/api/v1/merchants/{m}/orders/{id}/status", merchant, paid)
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("status", "CANCELLED"))
                        .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())),
                10)
            .collectList()
            .block();
    assertThat(statuses.stream().filter(s -> s == 200)).hasSize(1);
    assertThat(statuses.stream().filter(s -> s == 409)).hasSize(9);
    assertThat(commerce.stock(tea)).isEqualTo(10);
    http.get()
        .uri("/api/v1/merchants/{m}/orders/{id}", merchant, paid)
        .exchange()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("CANCELLED")
        .jsonPath("$.statusHistory.length()")
        .isEqualTo(3);
  }

  @Test
  void rejectsBadOrdersWithProblemDetails() {
    String tea = product("TEA-7", "1", 10);
    String usd =
        (String)
            fixtures
                .product(
                    merchant,
                    Map.of(
                        "sku",
                        "USD-1",
                        "name",
                        Map.of("en", "Dollar thing"),
                        "price",
                        1,
                        "currency",
                        "USD",
                        "stock",
                        5,
                        "status",
                        "ACTIVE"))
                .get("id");
    String draft =
        (String)
            fixtures
                .product(
                    merchant,
                    Map.of(
                        "sku",
                        "DRAFT-1",
                        "name",
                        Map.of("en", "Draft"),
                        "price",
                        1,
                        "currency",
                        "SAR",
                        "stock",
                        5))
                .get("id");
    String foreign = (String) fixtures.product(fixtures.merchant(), "F-1", "1", 5).get("id");

    // Client-supplied prices and totals are not accepted.
    post(
            "",
            Map.of(
                "customerId",
                customer,
                "items",
                List.of(Map.of("productId", tea, "quantity", 1, "unitPrice", 0))))
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo(PROBLEMS + "malformed-request");
    Map<String, Object> withTotal = new HashMap<>(body(customer, tea, 1));
    withTotal.put("total", 0);
    post("", withTotal).expectStatus().isBadRequest();

    expectFieldError(body(customer, tea, 0), "items[0].quantity");
    expectFieldError(body(customer, tea, 101), "items[0].quantity");
    expectFieldError(Map.of("customerId", customer, "items", List.of()), "items");
    expectFieldError(Map.of("customerId", customer), "items");
    Object[] many = new Object[102];
    for (int i = 0; i < 51; i++) {
      many[2 * i] = "0123456789abcdef" + String.format("%08d", i);
      many[2 * i + 1] = 1;
    }
    expectFieldError(body(customer, many), "items");
    expectFieldError(body(customer, tea, 1, tea.toUpperCase(), 2), "items[1].productId");
    expectFieldError(body(customer, "nope", 1), "items[0].productId");
    expectFieldError(body("nope", tea, 1), "customerId");
    expectFieldError(body(customer, draft, 1), "items[0].productId");
    expectFieldError(body(customer, foreign, 1), "items[0].productId");
    expectFieldError(body(customer, tea, 1, usd, 1), "items");
    expectFieldError(body(commerce.agent("Agent"), tea, 1), "customerId");
    expectFieldError(
        body(commerce.user("Sus", "CUSTOMER", "SUSPENDED", null), tea, 1), "customerId");
    expectFieldError(body(new org.bson.types.ObjectId().toHexString(), tea, 1), "customerId");
    Map<String, Object> badAddress = new HashMap<>(body(customer, tea, 1));
    badAddress.put(
        "shippingAddress", Map.of("recipient", "x", "line1", "y", "city", "z", "country", "Saudi"));
    expectFieldError(badAddress, "shippingAddress.country");
    Map<String, Object> longNote = new HashMap<>(body(customer, tea, 1));
    longNote.put("note", "n".repeat(1001));
    expectFieldError(longNote, "note");
    assertThat(commerce.stock(tea)).isEqualTo(10);
    assertThat(commerce.orderCount(merchant)).isZero();

    http.post()
        .uri("/api/v1/merchants/{m}/orders", "0123456789abcdef01234567")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body(customer, tea, 1))
        .exchange()
        .expectStatus()
        .isNotFound();
    http.get()
        .uri("/api/v1/merchants/{m}/orders/not-an-id", merchant)
        .exchange()
        .expectStatus()
        .isBadRequest();
    http.get()
        .uri(u -> u.path("/api/v1/merchants/{m}/orders").queryParam("q", " - ").build(merchant))
        .exchange()
        .expectStatus()
        .isBadRequest();
  }

  @Test
  void anotherMerchantsOrderIsNotFoundAndOrdersCannotBeDeleted() {
    String tea = product("TEA-8", "1", 10);
    String id = (String) commerce.order(merchant, customer, tea, 1).get("id");
    String other = fixtures.merchant();
    http.get()
        .uri("/api/v1/merchants/{m}/orders/{id}", other, id)
        .exchange()
        .expectStatus()
        .isNotFound()
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo(PROBLEMS + "not-found");
    http.post()
        .uri("/api/v1/merchants/{m}/orders/{id}/status", other, id)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("status", "CANCELLED"))
        .exchange()
        .expectStatus()
        .isNotFound();
    assertThat(commerce.stock(tea)).isEqualTo(9);

    http.delete()
        .uri("/api/v1/merchants/{m}/orders/{id}", merchant, id)
        .exchange()
        .expectStatus()
        .isEqualTo(405)
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo(PROBLEMS + "method-not-allowed");
    http.get()
        .uri("/api/v1/merchants/{m}/orders/{id}", merchant, id)
        .exchange()
        .expectStatus()
        .isOk();
  }

  @Test
  void everyOrderQueryIsServedByTheCatalogIndexes() {
    String tea = product("TEA-9", "1", 100);
    queries.clear();
    http.post()
        .uri("/api/v1/merchants/{m}/orders", merchant)
        .header("Idempotency-Key", "cover-1")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body(customer, tea, 1))
        .exchange()
        .expectStatus()
        .isCreated();
    http.post()
        .uri("/api/v1/merchants/{m}/orders", merchant)
        .header("Idempotency-Key", "cover-1")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body(customer, tea, 1))
        .exchange()
        .expectStatus()
        .isOk();
    String id = (String) commerce.order(merchant, customer, tea, 2).get("id");
    commerce.order(merchant, customer, tea, 3);
    status(id, "CANCELLED").expectStatus().isOk();
    AtomicReference<String> next = new AtomicReference<>();
    http.get()
        .uri("/api/v1/merchants/{m}/orders?limit=1", merchant)
        .exchange()
        .expectBody()
        .jsonPath("$.page.nextCursor")
        .value(c -> next.set((String) c));
    http.get()
        .uri("/api/v1/merchants/{m}/orders?limit=1&after={c}", merchant, next.get())
        .exchange()
        .expectStatus()
        .isOk();
    for (String filter :
        List.of(
            "status=CANCELLED",
            "customerId=" + customer,
            "q=layla",
            "q=layla haddad",
            "sort=createdAt")) {
      http.get()
          .uri("/api/v1/merchants/{m}/orders?" + filter, merchant)
          .exchange()
          .expectStatus()
          .isOk();
    }

    assertThat(queries.all()).anyMatch(r -> r.collection().equals("orders"));
    assertThat(CatalogCoverage.unserved(queries.all(), Set.of("orders", "products", "users")))
        .isEmpty();
  }

  void expectFieldError(Map<String, Object> body, String field) {
    post("", body)
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo(PROBLEMS + "validation")
        .jsonPath("$.errors[*].field")
        .value(f -> assertThat(f.toString()).contains(field));
  }

  /** A client of the running server outside the test client, as the platform admin. */
  WebClient adminClient() {
    return WebClient.builder()
        .baseUrl("http://localhost:" + port)
        .defaultHeader(org.springframework.http.HttpHeaders.AUTHORIZATION, tokens.admin().bearer())
        .build();
  }
}
