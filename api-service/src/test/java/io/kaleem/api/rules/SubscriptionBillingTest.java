package io.kaleem.api.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.Tokens;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Map;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Issue 16 item 1: subscribing, changing plan and renewing are billing's (platform admins). */
@ApiTest
class SubscriptionBillingTest {

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;
  @Autowired Tokens tokens;

  @Test
  void anOwnerMayOnlyAskForAnotherPlanOrCancel() {
    RuleSupport r = new RuleSupport(http);
    String m = new Fixtures(http, mongo).merchant();
    String plan = (String) r.plan(10, 2, 60).get("id");
    String owner = tokens.owner(m).bearer();
    String base = "/api/v1/merchants/" + m + "/subscription";

    r.call(HttpMethod.PUT, base, Map.of("planId", plan), owner).expectStatus().isForbidden();
    r.call(HttpMethod.POST, base + "/renew", Map.of(), owner).expectStatus().isForbidden();

    Map<String, Object> asked =
        RuleSupport.json(
            r.call(HttpMethod.POST, base + "/change-request", Map.of("planId", plan), owner), 200);
    assertThat(asked.get("subscription")).isNull();
    @SuppressWarnings("unchecked")
    Map<String, Object> request = (Map<String, Object>) asked.get("planChangeRequest");
    assertThat(request).containsEntry("planId", plan);

    // Billing acts on it; the request is then settled.
    Map<String, Object> subscribed =
        RuleSupport.json(r.call(HttpMethod.PUT, base, Map.of("planId", plan), null), 200);
    assertThat(subscribed.get("planChangeRequest")).isNull();
    r.call(HttpMethod.POST, base + "/cancel", Map.of(), owner).expectStatus().isOk();
  }

  @Test
  void aRenewalAppliesOnlyToTheDuePeriodOnce() {
    RuleSupport r = new RuleSupport(http);
    String m = new Fixtures(http, mongo).merchant();
    String plan = (String) r.plan(10, 2, 60).get("id");
    String base = "/api/v1/merchants/" + m + "/subscription";
    r.call(HttpMethod.PUT, base, Map.of("planId", plan), null).expectStatus().isOk();

    // Paid until next month: renewing now (even a dozen times) buys nothing.
    for (int i = 0; i < 3; i++) {
      r.call(HttpMethod.POST, base + "/renew", Map.of(), null).expectStatus().isEqualTo(409);
    }

    Instant due = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
    mongo
        .updateFirst(
            new Query(Criteria.where("_id").is(new ObjectId(m))),
            new Update().set("subscription.currentPeriodEnd", Date.from(due)),
            "merchants")
        .block();
    @SuppressWarnings("unchecked")
    Map<String, Object> renewed =
        (Map<String, Object>)
            RuleSupport.json(r.call(HttpMethod.POST, base + "/renew", Map.of(), null), 200)
                .get("subscription");
    assertThat(Instant.parse((String) renewed.get("currentPeriodEnd")))
        .isEqualTo(due.atZone(ZoneOffset.UTC).plusMonths(1).toInstant());
    r.call(HttpMethod.POST, base + "/renew", Map.of(), null).expectStatus().isEqualTo(409);
  }
}
