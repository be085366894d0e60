package io.kaleem.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.Fixtures;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Errors name what the client sent wrong and what is allowed, and never the server's internals
 * (Java types, exception messages).
 */
@ApiTest
class ErrorAnswersTest {

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;

  static void noInternals(String body) {
    assertThat(body)
        .doesNotContain("java.")
        .doesNotContain("io.kaleem")
        .doesNotContain("Exception")
        .doesNotContain("Failed to convert");
  }

  String body(WebTestClient.ResponseSpec spec, int status) {
    String body =
        spec.expectStatus()
            .isEqualTo(status)
            .expectHeader()
            .contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody(String.class)
            .returnResult()
            .getResponseBody();
    noInternals(body);
    return body;
  }

  @Test
  void anUnknownEnumInAQueryNamesTheParameterAndTheAllowedValues() {
    String merchant = new Fixtures(http, mongo).merchant();
    String answer =
        body(
            http.get().uri("/api/v1/merchants/{m}/products?status=SOLD_OUT", merchant).exchange(),
            400);
    assertThat(answer).contains("status").contains("DRAFT").contains("ACTIVE");
  }

  @Test
  void aWrongTypeInAQueryNamesTheParameter() {
    String merchant = new Fixtures(http, mongo).merchant();
    assertThat(
            body(
                http.get().uri("/api/v1/merchants/{m}/products?limit=ten", merchant).exchange(),
                400))
        .contains("limit");
  }

  @Test
  void anUnknownEnumInABodyNamesTheFieldAndTheAllowedValues() {
    String merchant = new Fixtures(http, mongo).merchant();
    String answer =
        body(
            http.post()
                .uri("/api/v1/merchants/{m}/products", merchant)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(
                    "{\"sku\":\"E-1\",\"name\":{\"en\":\"Lamp\"},\"price\":1,\"currency\":\"SAR\","
                        + "\"stock\":1,\"status\":\"SOLD_OUT\"}")
                .exchange(),
            400);
    assertThat(answer).contains("'status'").contains("DRAFT").contains("ACTIVE");
  }

  @Test
  void anUnknownRouteIsNoSuchRoute() {
    assertThat(body(http.get().uri("/api/v1/no-such-thing").exchange(), 404))
        .contains("no such route");
    assertThat(body(http.get().uri("/nothing/here").exchange(), 404)).contains("no such route");
  }
}
