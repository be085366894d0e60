package io.kaleem.api.rules;

import io.kaleem.api.support.Tokens;
import java.util.Map;
import org.bson.types.ObjectId;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Requests of the business-rule tests (issue 16), as a given caller. */
final class RuleSupport {

  /** The password of every account the rule tests register. */
  static final String PASSWORD = "correct horse battery";

  private final WebTestClient http;

  RuleSupport(WebTestClient http) {
    this.http = http;
  }

  static String unique(String prefix) {
    return prefix + "-" + new ObjectId().toHexString();
  }

  WebTestClient.ResponseSpec call(HttpMethod method, String path, Object body, String bearer) {
    WebTestClient.RequestBodySpec spec = http.method(method).uri(path);
    if (bearer != null) {
      spec.header(HttpHeaders.AUTHORIZATION, bearer);
    }
    if (body == null) {
      return spec.exchange();
    }
    return spec.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
  }

  WebTestClient.ResponseSpec anonymous(String path, Object body) {
    return http.post()
        .uri(path)
        .header(Tokens.ANONYMOUS, "1")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body)
        .exchange();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> json(WebTestClient.ResponseSpec spec, int status) {
    return spec.expectStatus()
        .isEqualTo(status)
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }

  /** An active plan with these limits, created by the platform admin; its id and code. */
  Map<String, Object> plan(int products, int staff, int requestsPerMinute) {
    return json(
        call(
            HttpMethod.POST,
            "/api/v1/plans",
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
                "MONTHLY",
                "limits",
                Map.of(
                    "products", products, "requestsPerMinute", requestsPerMinute, "staff", staff),
                "active",
                true),
            null),
        201);
  }

  /** Sets the merchant's status as {@code bearer} (null: the platform admin). */
  WebTestClient.ResponseSpec merchantStatus(String merchantId, String status, String bearer) {
    return call(
        HttpMethod.PATCH, "/api/v1/merchants/" + merchantId, Map.of("status", status), bearer);
  }

  /** The body of a self-registration of a merchant owner with a new shop. */
  static Map<String, Object> ownerRegistration(
      String email, String slug, String country, String currency) {
    return Map.of(
        "email",
        email,
        "password",
        PASSWORD,
        "name",
        "Owner",
        "accountType",
        "MERCHANT_OWNER",
        "merchant",
        Map.of(
            "name",
            Map.of("ar", "متجر", "en", "Shop"),
            "slug",
            slug,
            "country",
            country,
            "currency",
            currency));
  }

  static Map<String, Object> product(String sku, int stock) {
    return Map.of(
        "sku",
        sku,
        "name",
        Map.of("ar", "منتج", "en", "Product " + sku),
        "price",
        new java.math.BigDecimal("10.00"),
        "currency",
        "SAR",
        "stock",
        stock,
        "status",
        "ACTIVE");
  }

  static Map<String, Object> order(String customerId, String productId, int quantity) {
    return Map.of(
        "customerId",
        customerId,
        "items",
        java.util.List.of(Map.of("productId", productId, "quantity", quantity)));
  }
}
