package io.kaleem.api.support;

import io.kaleem.api.security.AccessTokenIssuer;
import io.kaleem.api.security.AuthenticatedUser;
import io.kaleem.api.security.JwtKeys;
import io.kaleem.api.security.Role;
import io.kaleem.api.security.SecurityProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webtestclient.autoconfigure.WebTestClientBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.ClientRequest;

/**
 * Real access tokens for tests, minted by the application's own {@link AccessTokenIssuer} and keys
 * (no bypass): the users behind them are stored in {@code users} like any other. The test {@code
 * WebTestClient} sends a platform admin's token unless a request sets its own {@code Authorization}
 * or asks to be {@link #ANONYMOUS}.
 */
public class Tokens {

  /** A request header that makes the test client send no token at all (stripped before sending). */
  public static final String ANONYMOUS = "X-Test-Anonymous";

  /** A stored user and a token for them. */
  public record Issued(String userId, Role role, String merchantId, String token) {
    public String bearer() {
      return "Bearer " + token;
    }
  }

  private final AccessTokenIssuer issuer;
  private final ReactiveMongoTemplate mongo;
  private final JwtKeys keys;
  private final SecurityProperties props;
  private volatile Issued admin;

  public Tokens(
      AccessTokenIssuer issuer,
      ReactiveMongoTemplate mongo,
      JwtKeys keys,
      SecurityProperties props) {
    this.issuer = issuer;
    this.mongo = mongo;
    this.keys = keys;
    this.props = props;
  }

  /** The seeded platform admin every test request runs as by default (fresh token each call). */
  public synchronized Issued admin() {
    if (admin == null) {
      admin = user(Role.PLATFORM_ADMIN, null);
    }
    return new Issued(
        admin.userId(), Role.PLATFORM_ADMIN, null, mint(admin.userId(), Role.PLATFORM_ADMIN, null));
  }

  /** Stores a new ACTIVE user of this role (and merchant, for owners and staff) and signs in. */
  public Issued user(Role role, String merchantId) {
    ObjectId id = new ObjectId();
    Date now = new Date();
    String email = role.name().toLowerCase() + "-" + id.toHexString() + "@test.kaleem.io";
    Document doc =
        new Document("_id", id)
            .append("email", email)
            .append("name", "Test " + role)
            .append("role", role.name())
            .append("status", "ACTIVE")
            .append("searchTerms", List.of())
            .append("createdAt", now)
            .append("updatedAt", now);
    if (merchantId != null) {
      doc.append("merchantId", merchantId);
    }
    mongo.insert(doc, "users").block();
    return new Issued(id.toHexString(), role, merchantId, mint(id.toHexString(), role, merchantId));
  }

  public Issued owner(String merchantId) {
    return user(Role.MERCHANT_OWNER, merchantId);
  }

  public Issued staff(String merchantId) {
    return user(Role.MERCHANT_STAFF, merchantId);
  }

  public Issued customer() {
    return user(Role.CUSTOMER, null);
  }

  public Issued support() {
    return user(Role.SUPPORT_AGENT, null);
  }

  /** A plain WebClient on the test server that calls as the platform admin (concurrency tests). */
  public org.springframework.web.reactive.function.client.WebClient adminClient(int port) {
    return org.springframework.web.reactive.function.client.WebClient.builder()
        .baseUrl("http://localhost:" + port)
        .defaultHeader(HttpHeaders.AUTHORIZATION, admin().bearer())
        .build();
  }

  /** A token for an arbitrary subject, through the production issuer. */
  public String mint(String userId, Role role, String merchantId) {
    return issuer.issue(new AuthenticatedUser(userId, role, merchantId, null));
  }

  /** A token with a plan claim (rate-limit tests). */
  public String mintWithPlan(String userId, Role role, String plan) {
    return issuer.issue(new AuthenticatedUser(userId, role, null, plan));
  }

  /** A token signed by the real keys but issued {@code ago} in the past. */
  public String mintIssuedAgo(String userId, Role role, Duration ago) {
    Clock past = Clock.offset(Clock.systemUTC(), ago.negated());
    return new AccessTokenIssuer(keys, props, past)
        .issue(new AuthenticatedUser(userId, role, null, null));
  }

  public Instant now() {
    return Instant.now();
  }

  @TestConfiguration(proxyBeanMethods = false)
  public static class Configuration {

    @Bean
    Tokens tokens(
        AccessTokenIssuer issuer,
        ReactiveMongoTemplate mongo,
        JwtKeys keys,
        SecurityProperties props) {
      return new Tokens(issuer, mongo, keys, props);
    }

    /** Every test request authenticates as the platform admin unless it says otherwise. */
    @Bean
    WebTestClientBuilderCustomizer authenticateAsAdmin(Tokens tokens) {
      return builder ->
          builder.filter(
              (request, next) -> {
                if (request.headers().containsHeader(ANONYMOUS)) {
                  return next.exchange(
                      ClientRequest.from(request).headers(h -> h.remove(ANONYMOUS)).build());
                }
                if (request.headers().containsHeader(HttpHeaders.AUTHORIZATION)) {
                  return next.exchange(request);
                }
                return next.exchange(
                    ClientRequest.from(request)
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + tokens.admin().token())
                        .build());
              });
    }
  }
}
