package io.kaleem.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.Tokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

/**
 * BOLA across merchants, driven by the application's own route table: every handler method mapped
 * under {@code /api/v1/merchants/{merchantId}/...} (today's and any added later) is called by
 * merchant A's owner and staff against merchant B, for every method it declares, and must answer
 * exactly what a missing merchant answers: 404 with the same problem.
 */
@ApiTest
class MerchantIsolationTest {

  private static final String SCOPED = "/api/v1/merchants/{merchantId}";
  private static final Pattern VARIABLE = Pattern.compile("\\{([^}]+)}");

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;
  @Autowired Tokens tokens;
  @org.springframework.boot.test.web.server.LocalServerPort int port;

  @Autowired
  @Qualifier("requestMappingHandlerMapping")
  RequestMappingHandlerMapping mappings;

  record Route(HttpMethod method, String pattern) {}

  List<Route> scopedRoutes() {
    List<Route> routes = new ArrayList<>();
    mappings
        .getHandlerMethods()
        .forEach(
            (info, handler) -> {
              Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
              for (var pattern : info.getPatternsCondition().getPatterns()) {
                String p = pattern.getPatternString();
                if (!p.equals(SCOPED) && !p.startsWith(SCOPED + "/")) {
                  continue;
                }
                if (methods.isEmpty()) {
                  routes.add(new Route(HttpMethod.GET, p));
                }
                for (RequestMethod m : methods) {
                  routes.add(new Route(m.asHttpMethod(), p));
                }
              }
            });
    return routes;
  }

  static String expand(String pattern, String merchantId) {
    Matcher m = VARIABLE.matcher(pattern);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String value = m.group(1).equals("merchantId") ? merchantId : new ObjectId().toHexString();
      m.appendReplacement(sb, value);
    }
    m.appendTail(sb);
    return sb.toString();
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> call(Route route, String merchantId, Tokens.Issued caller, int expected) {
    var spec =
        http.method(route.method())
            .uri(expand(route.pattern(), merchantId))
            .header(HttpHeaders.AUTHORIZATION, caller.bearer());
    WebTestClient.ResponseSpec response =
        route.method() == HttpMethod.POST
                || route.method() == HttpMethod.PUT
                || route.method() == HttpMethod.PATCH
            ? spec.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of()).exchange()
            : spec.exchange();
    return response
        .expectStatus()
        .isEqualTo(expected)
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }

  @Test
  void routeTableCoversTheKnownScopedResources() {
    List<Route> routes = scopedRoutes();
    assertThat(routes).extracting(Route::pattern).anyMatch(p -> p.contains("/products"));
    assertThat(routes).extracting(Route::pattern).anyMatch(p -> p.contains("/categories"));
    assertThat(routes).extracting(Route::method).contains(HttpMethod.GET, HttpMethod.POST);
  }

  @Test
  void anotherMerchantsOwnerAndStaffGetTheMissingMerchant404OnEveryScopedRoute() {
    var fixtures = new Fixtures(http, mongo);
    String a = fixtures.merchant();
    String b = fixtures.merchant();
    fixtures.product(b, "B-1", "10.00", 3);
    List<Tokens.Issued> callers = List.of(tokens.owner(a), tokens.staff(a));
    List<Route> routes = scopedRoutes();
    assertThat(routes).isNotEmpty();
    for (Route route : routes) {
      for (Tokens.Issued caller : callers) {
        Map<String, Object> hidden = call(route, b, caller, 404);
        String missing = new ObjectId().toHexString();
        Map<String, Object> absent = call(route, missing, caller, 404);
        // Nothing tells an existing merchant from a missing one: same status, type, title,
        // resource and detail (up to the id the caller sent).
        assertThat(hidden.get("type"))
            .as(route.toString())
            .isEqualTo(absent.get("type"))
            .isEqualTo("https://kaleem.io/problems/not-found");
        assertThat(hidden.get("title")).isEqualTo(absent.get("title"));
        assertThat(hidden.get("resource")).isEqualTo("merchant").isEqualTo(absent.get("resource"));
        assertThat((String) hidden.get("detail"))
            .isEqualTo(((String) absent.get("detail")).replace(missing, b));
        assertThat(hidden.keySet()).isEqualTo(absent.keySet());
      }
    }
  }

  @Test
  void merchantBoundCallersWithoutAMatchingMerchantAreHiddenToo() {
    String b = new Fixtures(http, mongo).merchant();
    // An owner token without a merchant claim, and path ids that are not ids at all.
    String token = tokens.mint(new ObjectId().toHexString(), Role.MERCHANT_OWNER, null);
    http.get()
        .uri("/api/v1/merchants/{m}/products", b)
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
        .exchange()
        .expectStatus()
        .isNotFound();
    var owner = tokens.owner(new Fixtures(http, mongo).merchant());
    for (String path :
        List.of(
            "/api/v1/merchants/" + b,
            "/api/v1/merchants/" + b.toUpperCase() + "/products",
            "/api/v1/merchants/not-an-id/products")) {
      http.get()
          .uri(path)
          .header(HttpHeaders.AUTHORIZATION, owner.bearer())
          .exchange()
          .expectStatus()
          .isNotFound();
    }
  }

  @Test
  void pathTricksAreRefusedBeforeThePolicy() {
    var fixtures = new Fixtures(http, mongo);
    String a = fixtures.merchant();
    String b = fixtures.merchant();
    var owner = tokens.owner(a);
    for (String path :
        List.of(
            "/api/v1/merchants/" + a + "/../" + b + "/products",
            "/api/v1/merchants/" + a + "/%2e%2e/" + b + "/products",
            "/api/v1/merchants/" + b + ";x=" + a + "/products",
            "/api/v1/merchants/" + a + "%2F..%2F" + b + "/products")) {
      int status =
          http.get()
              .uri(java.net.URI.create("http://localhost:" + port + path))
              .header(HttpHeaders.AUTHORIZATION, owner.bearer())
              .exchange()
              .returnResult(byte[].class)
              .getStatus()
              .value();
      assertThat(status).as(path).isIn(400, 404);
    }
  }

  @Test
  void theOwnMerchantStaysReachable() {
    var fixtures = new Fixtures(http, mongo);
    String a = fixtures.merchant();
    var owner = tokens.owner(a);
    http.get()
        .uri("/api/v1/merchants/{m}/products", a)
        .header(HttpHeaders.AUTHORIZATION, owner.bearer())
        .exchange()
        .expectStatus()
        .isOk();
  }
}
