package io.kaleem.api.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.Tokens;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Issue 16 item 9: staff and support agents created by an admin set a password by invitation. */
@ApiTest
class InvitationTest {

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;
  @Autowired Tokens tokens;

  @Test
  void anInvitedStaffMemberSetsAPasswordOnceAndSignsIn() {
    RuleSupport r = new RuleSupport(http);
    String m = new Fixtures(http, mongo).merchant();
    String email = RuleSupport.unique("staff") + "@example.com";
    String userId = created(r, email, "MERCHANT_STAFF", m);

    Map<String, Object> invitation =
        RuleSupport.json(
            r.call(HttpMethod.POST, "/api/v1/users/" + userId + "/invitation", null, null), 201);
    String token = (String) invitation.get("token");
    assertThat(Instant.parse((String) invitation.get("expiresAt"))).isAfter(Instant.now());

    // Nobody but an admin hands out invitations.
    r.call(
            HttpMethod.POST,
            "/api/v1/users/" + userId + "/invitation",
            null,
            tokens.owner(m).bearer())
        .expectStatus()
        .isForbidden();

    Map<String, Object> signedIn =
        RuleSupport.json(
            r.anonymous(
                "/api/v1/auth/invitations/accept",
                Map.of("token", token, "password", "a staff password")),
            200);
    @SuppressWarnings("unchecked")
    Map<String, Object> user = (Map<String, Object>) signedIn.get("user");
    assertThat(user).containsEntry("role", "MERCHANT_STAFF").containsEntry("merchantId", m);
    r.anonymous("/api/v1/auth/login", Map.of("email", email, "password", "a staff password"))
        .expectStatus()
        .isOk();

    // One time only; and a user with a password gets no new invitation.
    r.anonymous(
            "/api/v1/auth/invitations/accept",
            Map.of("token", token, "password", "another password"))
        .expectStatus()
        .isUnauthorized();
    r.call(HttpMethod.POST, "/api/v1/users/" + userId + "/invitation", null, null)
        .expectStatus()
        .isEqualTo(409);
  }

  @Test
  void anExpiredInvitationSetsNothing() {
    RuleSupport r = new RuleSupport(http);
    String userId = created(r, RuleSupport.unique("agent") + "@example.com", "SUPPORT_AGENT", null);
    String token =
        (String)
            RuleSupport.json(
                    r.call(HttpMethod.POST, "/api/v1/users/" + userId + "/invitation", null, null),
                    201)
                .get("token");
    mongo
        .updateFirst(
            new Query(Criteria.where("userId").is(userId)),
            new Update().set("inviteExpiresAt", new Date(System.currentTimeMillis() - 1000)),
            "credentials")
        .block();
    r.anonymous(
            "/api/v1/auth/invitations/accept",
            Map.of("token", token, "password", "too late for this"))
        .expectStatus()
        .isUnauthorized();
  }

  @Test
  void customersRegisterThemselvesAndGetNoInvitation() {
    RuleSupport r = new RuleSupport(http);
    String userId = created(r, RuleSupport.unique("cust") + "@example.com", "CUSTOMER", null);
    r.call(HttpMethod.POST, "/api/v1/users/" + userId + "/invitation", null, null)
        .expectStatus()
        .isBadRequest();
  }

  private static String created(RuleSupport r, String email, String role, String merchantId) {
    Map<String, Object> body = new java.util.HashMap<>();
    body.put("email", email);
    body.put("name", "Invited");
    body.put("role", role);
    if (merchantId != null) {
      body.put("merchantId", merchantId);
    }
    return (String)
        RuleSupport.json(r.call(HttpMethod.POST, "/api/v1/users", body, null), 201).get("id");
  }
}
