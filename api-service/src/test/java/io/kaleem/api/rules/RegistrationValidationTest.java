package io.kaleem.api.rules;

import static io.kaleem.api.support.ProblemAssertions.expectFieldError;

import io.kaleem.api.support.ApiTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Issue 16 item 10: the merchant made at sign-up is validated like the merchants API's. */
@ApiTest
class RegistrationValidationTest {

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;

  @Test
  void anUnknownCountryOrCurrencyIsRefusedAndLeavesNothingBehind() {
    RuleSupport r = new RuleSupport(http);
    String slug = RuleSupport.unique("reg").toLowerCase();
    expectFieldError(r.anonymous("/api/v1/auth/register", owner(slug, "ZZ", "SAR")), "country");
    expectFieldError(r.anonymous("/api/v1/auth/register", owner(slug, "SA", "XYZ")), "currency");
    org.assertj.core.api.Assertions.assertThat(
            mongo.exists(new Query(Criteria.where("slug").is(slug)), "merchants").block())
        .isFalse();
    r.anonymous("/api/v1/auth/register", owner(slug, "SA", "SAR")).expectStatus().isCreated();
  }

  private static Map<String, Object> owner(String slug, String country, String currency) {
    return RuleSupport.ownerRegistration(
        RuleSupport.unique("o") + "@example.com", slug, country, currency);
  }
}
