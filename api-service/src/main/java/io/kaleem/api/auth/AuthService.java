package io.kaleem.api.auth;

import io.kaleem.api.errors.ApiException;
import io.kaleem.api.errors.ProblemType;
import io.kaleem.api.merchants.MerchantRequests;
import io.kaleem.api.merchants.MerchantScope;
import io.kaleem.api.merchants.MerchantService;
import io.kaleem.api.merchants.MerchantStatus;
import io.kaleem.api.ratelimit.RateLimiter;
import io.kaleem.api.security.AccessTokenIssuer;
import io.kaleem.api.security.AuthenticatedUser;
import io.kaleem.api.security.Role;
import io.kaleem.api.security.SecurityProperties;
import io.kaleem.api.users.User;
import io.kaleem.api.users.UserRequests;
import io.kaleem.api.users.UserService;
import io.kaleem.api.users.UserStatus;
import java.util.List;
import java.util.Locale;
import org.bson.types.ObjectId;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Registration, login, refresh, logout and invitations. Passwords are hashed with the delegating
 * (Argon2) encoder off the event loop; users and merchants are created through their features'
 * services (so a registered merchant is validated like any other), password hashes live apart in
 * {@code credentials} ({@link Credentials}).
 *
 * <p>Sign-in throttling is per account <em>and</em> client address ({@code loginPerAccount}
 * attempts per window), plus per address for all of {@code /auth}: wrong passwords sent from
 * anywhere else never lock the account's owner out. The trade-off: a guesser with many addresses
 * gets {@code loginPerAccount} tries per address and window, which the 10-character minimum and
 * Argon2's cost make slow to pay off (docs/SECURITY.md).
 */
@Service
public class AuthService {

  private final UserService users;
  private final MerchantService merchants;
  private final MerchantScope merchantScope;
  private final Credentials credentials;
  private final PasswordEncoder passwords;
  private final AccessTokenIssuer issuer;
  private final RefreshTokens refreshTokens;
  private final RateLimiter limiter;
  private final SecurityProperties props;
  private final SubscriptionPlans plans;
  private final String dummyHash;

  // The issuer first: the keys it needs are what a production start without a JWK set names.
  public AuthService(
      AccessTokenIssuer issuer,
      UserService users,
      MerchantService merchants,
      MerchantScope merchantScope,
      Credentials credentials,
      PasswordEncoder passwords,
      RefreshTokens refreshTokens,
      RateLimiter limiter,
      SecurityProperties props,
      SubscriptionPlans plans) {
    this.users = users;
    this.merchants = merchants;
    this.merchantScope = merchantScope;
    this.credentials = credentials;
    this.passwords = passwords;
    this.issuer = issuer;
    this.refreshTokens = refreshTokens;
    this.limiter = limiter;
    this.props = props;
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
    Mono<String> merchant =
        owner
            ? merchants
                .create(merchantRequest(body.merchant(), email))
                .map(m -> m.id().toHexString())
            : Mono.just("");
    return hash(body.password())
        .flatMap(
            hash ->
                merchant.flatMap(
                    merchantId ->
                        users
                            .create(
                                new UserRequests.Create(
                                    email,
                                    body.name().trim(),
                                    null,
                                    role,
                                    merchantId.isEmpty() ? null : merchantId))
                            .onErrorResume(
                                e ->
                                    e instanceof ApiException a && a.type() == ProblemType.CONFLICT,
                                e ->
                                    (merchantId.isEmpty()
                                            ? Mono.<Void>empty()
                                            : merchants.discardUnclaimed(merchantId))
                                        .then(Mono.error(emailTaken())))
                            .flatMap(
                                user ->
                                    credentials
                                        .create(user.id().toHexString(), hash)
                                        .then(session(user, null)))));
  }

  /** The registration's merchant as the merchants API takes it: one validator for both. */
  private static MerchantRequests.Create merchantRequest(AuthRequests.Merchant m, String email) {
    return new MerchantRequests.Create(
        m.name(),
        m.slug(),
        m.contactEmail() == null ? email : m.contactEmail(),
        m.country(),
        m.currency(),
        null);
  }

  private static ApiException emailTaken() {
    return ApiException.conflict("An account with this email already exists");
  }

  /** Checks the password; the account (from this client address) and the address are throttled. */
  public Mono<TokenResponse> login(AuthRequests.Login body, String clientIp) {
    String email = body.email().trim().toLowerCase(Locale.ROOT);
    return throttle(
            "login:account:" + sha(email) + ":" + clientIp, props.rateLimit().loginPerAccount())
        .then(throttle("login:ip:" + clientIp, props.rateLimit().auth()))
        .then(
            users
                .findByEmail(email)
                .flatMap(
                    user ->
                        credentials
                            .passwordHash(user.id().toHexString())
                            .map(hash -> new Candidate(user, hash)))
                .defaultIfEmpty(new Candidate(null, dummyHash))
                .flatMap(
                    c ->
                        matches(body.password(), c.hash())
                            .flatMap(
                                ok ->
                                    ok && c.user() != null && c.user().status() == UserStatus.ACTIVE
                                        ? session(c.user(), null)
                                        : Mono.error(badCredentials()))));
  }

  public Mono<TokenResponse> refresh(AuthRequests.Refresh body) {
    return refreshTokens
        .spend(body.refreshToken())
        .flatMap(
            spent ->
                users
                    .findActive(spent.userId())
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

  /** A one-time invitation for an account an admin created (staff, support agents, admins). */
  public Mono<Credentials.Invitation> invite(String userId) {
    return users
        .requireActive(userId, INVITABLE, "userId")
        .flatMap(user -> credentials.invite(user.id().toHexString()));
  }

  /** Sets the invited user's password from the invitation's token and signs them in. */
  public Mono<TokenResponse> acceptInvitation(AuthRequests.AcceptInvitation body) {
    return hash(body.password())
        .flatMap(hash -> credentials.accept(body.token(), hash))
        .flatMap(userId -> users.findActive(userId))
        .switchIfEmpty(Mono.error(Credentials::invalidInvitation))
        .flatMap(user -> session(user, null));
  }

  /** The roles an admin creates accounts for, who then set their password by invitation. */
  static final List<Role> INVITABLE =
      List.of(Role.PLATFORM_ADMIN, Role.MERCHANT_OWNER, Role.MERCHANT_STAFF, Role.SUPPORT_AGENT);

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

  /**
   * Issues tokens for a user. Owners and staff are rate-limited at their merchant's subscribed
   * plan, and get no session while their merchant's status refuses it (a suspended merchant): at
   * sign-in and at every refresh, so a suspension ends sessions within one access-token lifetime.
   */
  private Mono<TokenResponse> session(User user, String family) {
    String id = user.id().toHexString();
    Role role = user.role();
    String merchantId = user.merchantId();
    Mono<String> plan =
        role.merchantBound()
            ? requireSignInAllowed(merchantId).then(plans.codeOf(merchantId).defaultIfEmpty(""))
            : Mono.just("");
    return plan.flatMap(
        code ->
            (family == null ? refreshTokens.start(id) : refreshTokens.issue(id, family))
                .map(
                    refresh ->
                        response(
                            user,
                            role,
                            issuer.issue(
                                new AuthenticatedUser(
                                    id, role, merchantId, code.isEmpty() ? null : code)),
                            refresh)));
  }

  private Mono<Void> requireSignInAllowed(String merchantId) {
    if (merchantId == null || !ObjectId.isValid(merchantId)) {
      return Mono.empty();
    }
    return merchantScope
        .find(merchantId)
        .filter(m -> !MerchantStatus.of(m).allowsStaffSignIn())
        .flatMap(
            m ->
                Mono.error(
                    new ApiException(
                            ProblemType.FORBIDDEN,
                            "Your merchant is "
                                + m.status().name().toLowerCase(Locale.ROOT)
                                + " by the platform; its owners and staff cannot sign in")
                        .with("reason", "merchant-" + m.status().name().toLowerCase(Locale.ROOT))));
  }

  private TokenResponse response(User user, Role role, String access, RefreshTokens.Issued r) {
    return new TokenResponse(
        access,
        "Bearer",
        issuer.lifetimeSeconds(),
        r.token(),
        props.jwt().refreshTokenTtl().toSeconds(),
        new TokenResponse.Account(
            user.id().toHexString(), user.email(), user.name(), role.name(), user.merchantId()));
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
    return RefreshTokens.hash(value);
  }

  /** The account a login names (or none) and the hash to check the password against. */
  private record Candidate(User user, String hash) {}
}
