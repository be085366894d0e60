package io.kaleem.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.Fixtures;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Request bodies are read strictly: a count or an amount is a JSON integer (never a fraction, a
 * string or digits of another script), a key appears once, the bytes are well-formed UTF-8, and
 * text holds no NUL, other control characters, lone surrogates or bidirectional overrides. Each
 * refusal is a 400 problem naming the field.
 */
@ApiTest
class StrictJsonTest {

  private static final String PROBLEMS = "https://kaleem.io/problems/";

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;

  String merchant;

  String merchant() {
    if (merchant == null) {
      merchant = new Fixtures(http, mongo).merchant();
    }
    return merchant;
  }

  String product(String stock, String nameEn) {
    return "{\"sku\":\"S-"
        + new ObjectId().toHexString()
        + "\",\"name\":{\"ar\":\"منتج\",\"en\":\""
        + nameEn
        + "\"},\"price\":10,\"currency\":\"SAR\",\"stock\":"
        + stock
        + "}";
  }

  WebTestClient.ResponseSpec postProduct(byte[] body) {
    return http.post()
        .uri("/api/v1/merchants/{m}/products", merchant())
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body)
        .exchange();
  }

  WebTestClient.ResponseSpec postProduct(String body) {
    return postProduct(body.getBytes(StandardCharsets.UTF_8));
  }

  void refused(WebTestClient.ResponseSpec spec, String field) {
    spec.expectStatus()
        .isBadRequest()
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo(PROBLEMS + "malformed-request")
        .jsonPath("$.field")
        .isEqualTo(field)
        .jsonPath("$.detail")
        .value(d -> assertThat((String) d).contains("'" + field + "'").doesNotContain("java."));
  }

  @ParameterizedTest(name = "stock: {0}")
  @CsvSource(
      delimiter = '|',
      value = {"1.5", "1.0", "1e2", "\"12\"", "\"١٢\"", "\"１２\"", "true"})
  void countsAreJsonIntegers(String stock) {
    refused(postProduct(product(stock, "Lamp")), "stock");
  }

  @Test
  void anOrderQuantityIsNeverTruncated() {
    refused(
        http.post()
            .uri("/api/v1/merchants/{m}/orders", merchant())
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(
                "{\"customerId\":\"%s\",\"items\":[{\"productId\":\"%s\",\"quantity\":1.9}]}"
                    .formatted(new ObjectId().toHexString(), new ObjectId().toHexString()))
            .exchange(),
        "items[0].quantity");
  }

  @Test
  void aDuplicateKeyIsRefused() {
    String body = product("3", "Lamp").replace("\"stock\":3", "\"stock\":3,\"stock\":900");
    refused(postProduct(body), "stock");
  }

  @Test
  void overlongUtf8IsRefused() {
    byte[] body = product("3", "La~mp").getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (byte b : body) {
      if (b == '~') {
        // "/" as a two-byte overlong sequence (C0 AF): a classic filter bypass.
        bytes.write(0xC0);
        bytes.write(0xAF);
      } else {
        bytes.write(b);
      }
    }
    refused(postProduct(bytes.toByteArray()), "name.en");
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "La\\u0000mp|NUL",
        "La\\u0007mp|BEL",
        "La\\ud800mp|lone high surrogate",
        "La\\udc00mp|lone low surrogate",
        "\\u202Epmal|RIGHT-TO-LEFT OVERRIDE",
        "\\u202Dlamp|LEFT-TO-RIGHT OVERRIDE",
        "\\u2066lamp|LEFT-TO-RIGHT ISOLATE",
        "\\u202Blamp|RIGHT-TO-LEFT EMBEDDING",
      })
  void controlCharactersSurrogatesAndBidiOverridesAreRefusedInText(String escaped, String what) {
    refused(postProduct(product("3", escaped)), "name.en");
  }

  /** The marks Arabic text legitimately carries stay allowed (docs/API.md, "Text"). */
  @Test
  void arabicMarksAndJoinersAreAccepted() {
    String name = "\\u061Cمصباح\\u200F \\u200Eلمبة\\u200C\\u200D \\ud83d\\udca1";
    postProduct(product("3", name).replace("\"ar\":\"منتج\"", "\"ar\":\"" + name + "\""))
        .expectStatus()
        .isCreated();
    @SuppressWarnings("unchecked")
    Map<String, Object> ok =
        postProduct(product("7", "Lamp"))
            .expectStatus()
            .isCreated()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    assertThat(ok.get("stock")).isEqualTo(7);
  }
}
