package io.kaleem.api.auth;

import io.kaleem.api.common.Ids;
import io.kaleem.api.common.Timestamps;
import io.kaleem.api.errors.ApiException;
import io.kaleem.api.errors.ProblemType;
import io.kaleem.api.ratelimit.RateLimiter;
import io.kaleem.api.search.SearchText;
import io.kaleem.api.security.AccessTokenIssuer;
import io.kaleem.api.security.AuthenticatedUser;
import io.kaleem.api.security.Role;
import io.kaleem.api.security.SecurityProperties;
import io.kaleem.crds.indexes.IndexCatalog;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Registration, login, refresh and logout. Passwords are hashed with the delegating (bcrypt)
 * encoder off the event loop; users and merchants follow the shared {@code users}/{@code merchants}
 * contracts, password hashes live apart in {@code credentials}.
 */
@Service
public class AuthService {

  static final String CREDENTIALS = IndexCatalog.CREDENTIALS;

  private final ReactiveMongoTemplate mongo;
  private final PasswordEncoder passwords;
  private final AccessTokenIssuer issuer;
  private final RefreshTokens refreshTokens;
  private final RateLimiter limiter;
  private final SecurityProperties props;
  private final Clock clock;
  private final SubscriptionPlans plans;
  private final String dummyHash;

  public AuthService(
      ReactiveMongoTemplate mongo,
      PasswordEncoder passwords,
      AccessTokenIssuer issuer,
      RefreshTokens refreshTokens,
      RateLimiter limiter,
      SecurityProperties props,
      Clock clock,
      SubscriptionPlans plans) {
    this.mongo = mongo;
    this.passwords = passwords;
    this.issuer = issuer;
    this.refreshTokens = refreshTokens;
    this.limiter = limiter;
    this.props = props;
    this.clock = clock;
    this.plans = plans;
    // Compared against when the account does not exist, so both paths cost one hash check.
    this.dummyHash = passwords.encode("not-a-real-password-" + new ObjectId());
  }

  public Mono<TokenResponse> register(AuthRequests.Register body) {
    String email = body.email().trim().toLowerCase(Locale.ROOT);
    boolean owner = body.accountType() == AuthRequests.AccountType.MERCHANT_OWNER;
    if (owner && body.merchant() == null) {
      return Mono.error(
          ApiException.invalidField("merchant", "is required to register a merchant owner"));
    }
    if (!owner && body.merchant() != null) {
      return Mono.error(ApiException.invalidField("merchant", "is only for merchant owners"));
    }
    Role role = owner ? Role.MERCHANT_OWNER : Role.CUSTOMER;
    ObjectId userId = new ObjectId();
    String merchantId = owner ? new ObjectId().toHexString() : null;
    Date now = Date.from(Timestamps.now(clock));
    Document user =
        new Document("_id", userId)
            .append("email", email)
            .append("name", body.name().trim())
            .append("role", role.name())
            .append("status", "ACTIVE")
            .append(
                "searchTerms",
                SearchText.indexTerms(body.name(), email.substring(0, email.indexOf('@'))))
            .append("createdAt", now)
            .append("updatedAt", now);
    if (merchantId != null) {
      user.append("merchantId", merchantId);
    }
    Mono<Void> merchant =
        owner ? insertMerchant(merchantId, body.merchant(), email, now) : Mono.empty();
    return hash(body.password())
        .flatMap(
            hash ->
                merchant
                    .then(
                        mongo
                            .insert(user, "users")
                            .onErrorResume(
                                DuplicateKeyException.class,
                                e ->
                                    (owner ? deleteMerchant(merchantId) : Mono.<Void>empty())
                                        .then(Mono.error(emailTaken()))))
                    .then(
                        mongo.insert(
                            new Document("_id", new ObjectId())
                                .append("userId", userId.toHexString())
                                .append("passwordHash", hash)
                                .append("updatedAt", now),
                            CREDENTIALS))
                    .then(session(user)));
  }

  private Mono<Void> insertMerchant(
      String merchantId, AuthRequests.Merchant m, String ownerEmail, Date now) {
    Document doc =
        new Document("_id", new ObjectId(merchantId))
            .append("name", new Document("ar", m.name().ar()).append("en", m.name().en()))
            .append("slug", m.slug())
            .append("contactEmail", m.contactEmail() == null ? ownerEmail : m.contactEmail())
            .append("country", m.country())
            .append("currency", m.currency())
            .append("status", "ACTIVE")
            .append("searchTerms", SearchText.indexTerms(m.name().both(), m.slug()))
            .append("createdAt", now)
            .append("updatedAt", now);
    return mongo
        .insert(doc, "merchants")
        .onErrorMap(
            DuplicateKeyException.class,
            e -> ApiException.conflict("The merchant slug '" + m.slug() + "' is taken"))
        .then();
  }

  private Mono<Void> deleteMerchant(String merchantId) {
    return mongo
        .remove(new Query(Criteria.where("_id").is(new ObjectId(merchantId))), "merchants")
        .then();
  }

  private static ApiException emailTaken() {
    return ApiException.conflict("An account with this email already exists");
  }

  /** Checks the password; the account and the client IP are throttled first. */
  public Mono<TokenResponse> login(AuthRequests.Login body, String clientIp) {
    String email = body.email().trim().toLowerCase(Locale.ROOT);
    return throttle("login:account:" + sha(email), props.rateLimit().loginPerAccount())
        .then(throttle("login:ip:" + clientIp, props.rateLimit().auth()))
        .then(
            mongo
                .findOne(new Query(Criteria.where("email").is(email)), Document.class, "users")
                .flatMap(
                    user ->
                        mongo
                            .findOne(
                                new Query(
                                    Criteria.where("userId")
                                        .is(user.getObjectId("_id").toHexString())),
                                Document.class,
                                CREDENTIALS)
                            .map(cred -> new Candidate(user, cred.getString("passwordHash"))))
                .defaultIfEmpty(new Candidate(null, dummyHash))
                .flatMap(
                    c ->
                        matches(body.password(), c.hash())
                            .flatMap(
                                ok ->
                                    ok
                                            && c.user() != null
                                            && "ACTIVE".equals(c.user().getString("status"))
                                        ? session(c.user())
                                        : Mono.error(badCredentials()))));
  }

  public Mono<TokenResponse> refresh(AuthRequests.Refresh body) {
    return refreshTokens
        .spend(body.refreshToken())
        .flatMap(
            spent ->
                mongo
                    .findOne(
                        new Query(Criteria.where("_id").is(Ids.parse(spent.userId(), "userId"))),
                        Document.class,
                        "users")
                    .filter(u -> "ACTIVE".equals(u.getString("status")))
                    .switchIfEmpty(
                        refreshTokens
                            .revokeFamily(spent.family())
                            .then(Mono.error(RefreshTokens.invalid())))
                    .flatMap(user -> session(user, spent.family())));
  }

  /** Ends the session of a refresh token (its whole family); unknown tokens are ignored. */
  public Mono<Void> logout(AuthRequests.Refresh body) {
    return refreshTokens.familyOf(body.refreshToken()).flatMap(refreshTokens::revokeFamily);
  }

  private Mono<Void> throttle(String key, long perWindow) {
    return limiter
        .consume(key, perWindow)
        .flatMap(
            r ->
                r.allowed()
                    ? Mono.<Void>empty()
                    : Mono.error(
                        new ApiException(
                                ProblemType.RATE_LIMITED,
                                "Too many sign-in attempts; retry after "
                                    + r.retryAfterSeconds()
                                    + " s")
                            .with("retryAfter", r.retryAfterSeconds())));
  }

  private Mono<TokenResponse> session(Document user) {
    return session(user, null);
  }

  private Mono<TokenResponse> session(Document user, String family) {
    String id = user.getObjectId("_id").toHexString();
    Role role = Role.valueOf(user.getString("role"));
    String merchantId = user.getString("merchantId");
    // Owners and staff are rate-limited at their merchant's subscribed plan.
    Mono<String> plan =
        role == Role.MERCHANT_OWNER || role == Role.MERCHANT_STAFF
            ? plans.codeOf(merchantId).defaultIfEmpty("")
            : Mono.just("");
    Mono<RefreshTokens.Issued> refresh =
        family == null ? refreshTokens.start(id) : refreshTokens.issue(id, family);
    return plan.zipWith(refresh)
        .map(
            t ->
                response(
                    user,
                    id,
                    role,
                    merchantId,
                    issuer.issue(
                        new AuthenticatedUser(
                            id, role, merchantId, t.getT1().isEmpty() ? null : t.getT1())),
                    t.getT2()));
  }

  private TokenResponse response(
      Document user,
      String id,
      Role role,
      String merchantId,
      String access,
      RefreshTokens.Issued r) {
    return new TokenResponse(
        access,
        "Bearer",
        issuer.lifetimeSeconds(),
        r.token(),
        props.jwt().refreshTokenTtl().toSeconds(),
        new TokenResponse.Account(
            id, user.getString("email"), user.getString("name"), role.name(), merchantId));
  }

  private Mono<String> hash(String password) {
    return Mono.fromCallable(() -> passwords.encode(password))
        .subscribeOn(Schedulers.boundedElastic());
  }

  private Mono<Boolean> matches(String password, String hash) {
    return Mono.fromCallable(() -> passwords.matches(password, hash))
        .subscribeOn(Schedulers.boundedElastic());
  }

  private static ApiException badCredentials() {
    return new ApiException(ProblemType.UNAUTHORIZED, "Invalid email or password");
  }

  static String sha(String value) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The account a login names (or none) and the hash to check the password against. */
  private record Candidate(Document user, String hash) {}
}
