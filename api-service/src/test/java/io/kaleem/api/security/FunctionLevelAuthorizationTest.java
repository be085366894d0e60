package io.kaleem.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.Tokens;
import java.util.List;
import java.util.Map;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Platform-only functions (users, plan writes, merchant list/creation, admin, monitoring, metrics)
 * refuse every other role with 403 and anonymous callers with 401, whether or not the route exists
 * yet on this branch: the policy decides before routing.
 */
@ApiTest
class FunctionLevelAuthorizationTest {

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;
  @Autowired Tokens tokens;

  String merchant;
  String id = new ObjectId().toHexString();

  record Call(HttpMethod method, String path) {}

  List<Call> adminOnly() {
    return List.of(
        new Call(HttpMethod.GET, "/api/v1/users"),
        new Call(HttpMethod.POST, "/api/v1/users"),
        new Call(HttpMethod.GET, "/api/v1/users/" + id),
        new Call(HttpMethod.PATCH, "/api/v1/users/" + id),
        new Call(HttpMethod.DELETE, "/api/v1/users/" + id),
        new Call(HttpMethod.POST, "/api/v1/plans"),
        new Call(HttpMethod.PATCH, "/api/v1/plans/" + id),
        new Call(HttpMethod.PUT, "/api/v1/plans/" + id),
        new Call(HttpMethod.DELETE, "/api/v1/plans/" + id),
        new Call(HttpMethod.GET, "/api/v1/merchants"),
        new Call(HttpMethod.POST, "/api/v1/merchants"),
        new Call(HttpMethod.GET, "/admin/cache/stats"),
        new Call(HttpMethod.POST, "/admin/cache/invalidate"),
        new Call(HttpMethod.GET, "/monitoring/errors/recent"),
        new Call(HttpMethod.GET, "/monitoring/errors/grouped"),
        new Call(HttpMethod.GET, "/api/prometheus"),
        new Call(HttpMethod.GET, "/api/metrics"),
        new Call(HttpMethod.GET, "/api/v1/not-a-route-yet"));
  }

  @BeforeEach
  void setUp() {
    merchant = new Fixtures(http, mongo).merchant();
  }

  WebTestClient.ResponseSpec send(Call c, String authorization) {
    var spec = http.method(c.method()).uri(c.path());
    if (authorization == null) {
      spec = spec.header(Tokens.ANONYMOUS, "1");
    } else {
      spec = spec.header(HttpHeaders.AUTHORIZATION, authorization);
    }
    if (c.method() != HttpMethod.GET && c.method() != HttpMethod.DELETE) {
      return spec.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of()).exchange();
    }
    return spec.exchange();
  }

  @Test
  void everyOtherRoleGets403() {
    var callers =
        List.of(
            tokens.owner(merchant), tokens.staff(merchant), tokens.customer(), tokens.support());
    for (Tokens.Issued caller : callers) {
      for (Call c : adminOnly()) {
        send(c, caller.bearer())
            .expectStatus()
            .isForbidden()
            .expectHeader()
            .contentType("application/problem+json")
            .expectBody()
            .jsonPath("$.type")
            .isEqualTo("https://kaleem.io/problems/forbidden");
      }
    }
  }

  @Test
  void anonymousCallersGet401() {
    for (Call c : adminOnly()) {
      send(c, null)
          .expectStatus()
          .isUnauthorized()
          .expectBody()
          .jsonPath("$.type")
          .isEqualTo("https://kaleem.io/problems/unauthorized");
    }
  }

  @Test
  void platformAdminPassesThePolicy() {
    for (Call c : adminOnly()) {
      int status = send(c, tokens.admin().bearer()).returnResult(byte[].class).getStatus().value();
      assertThat(status).as(c.toString()).isNotIn(401, 403);
    }
  }

  @Test
  void plansAreReadableByEveryRoleAndPublicRoutesNeedNoToken() {
    for (Tokens.Issued caller : List.of(tokens.owner(merchant), tokens.customer())) {
      int status =
          send(new Call(HttpMethod.GET, "/api/v1/plans"), caller.bearer())
              .returnResult(byte[].class)
              .getStatus()
              .value();
      assertThat(status).isNotIn(401, 403);
    }
    send(new Call(HttpMethod.GET, "/api/health/liveness"), null).expectStatus().isOk();
    send(new Call(HttpMethod.GET, "/api/openapi"), null).expectStatus().isOk();
  }

  @Test
  void roleMatrixInsideAMerchant() {
    var owner = tokens.owner(merchant);
    var staff = tokens.staff(merchant);
    var customer = tokens.customer();
    var support = tokens.support();
    String base = "/api/v1/merchants/" + merchant;
    // Staff cannot touch the subscription or staff management; the owner can.
    for (String p : List.of(base + "/subscription", base + "/staff")) {
      send(new Call(HttpMethod.GET, p), staff.bearer()).expectStatus().isForbidden();
      int s =
          send(new Call(HttpMethod.GET, p), owner.bearer())
              .returnResult(byte[].class)
              .getStatus()
              .value();
      assertThat(s).isNotIn(401, 403);
    }
    send(new Call(HttpMethod.GET, base + "/products"), staff.bearer()).expectStatus().isOk();
    send(new Call(HttpMethod.PATCH, base), staff.bearer()).expectStatus().isForbidden();
    // Customers read the catalogue and create orders/tickets, nothing else.
    send(new Call(HttpMethod.GET, base + "/products"), customer.bearer()).expectStatus().isOk();
    send(new Call(HttpMethod.GET, base + "/categories"), customer.bearer()).expectStatus().isOk();
    send(new Call(HttpMethod.DELETE, base + "/products/" + id), customer.bearer())
        .expectStatus()
        .isForbidden();
    send(new Call(HttpMethod.PATCH, base + "/orders/" + id), customer.bearer())
        .expectStatus()
        .isForbidden();
    send(new Call(HttpMethod.GET, base + "/staff"), customer.bearer()).expectStatus().isForbidden();
    int created =
        send(new Call(HttpMethod.POST, base + "/orders"), customer.bearer())
            .returnResult(byte[].class)
            .getStatus()
            .value();
    assertThat(created).isNotIn(401, 403);
    // Support agents: tickets of any merchant, nothing else.
    int tickets =
        send(new Call(HttpMethod.GET, base + "/tickets"), support.bearer())
            .returnResult(byte[].class)
            .getStatus()
            .value();
    assertThat(tickets).isNotIn(401, 403);
    send(new Call(HttpMethod.GET, base + "/products"), support.bearer())
        .expectStatus()
        .isForbidden();
  }
}
