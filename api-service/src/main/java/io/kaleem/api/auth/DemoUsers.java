package io.kaleem.api.auth;

import io.kaleem.api.common.LocalizedText;
import io.kaleem.api.database.NoExternalMongoCondition;
import io.kaleem.api.database.StartupTask;
import io.kaleem.api.demo.DemoAccounts;
import io.kaleem.api.errors.ApiException;
import io.kaleem.api.security.Role;
import io.kaleem.api.users.UserRequests;
import io.kaleem.api.users.UserService;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Demo accounts for the embedded {@code make run}: a platform admin, a merchant owner and a
 * customer, created when missing and printed at start-up. The owner owns the demo data's showcase
 * store when the demo data is loaded (it creates that owner without a password; this gives it the
 * demo password by invitation), else a new empty {@code demo-store}. Exists only with {@code
 * kaleem.security.demo-users.enabled=true}, which the prod profile refuses ({@link
 * DemoUsersGuard}), and only on the embedded database: with a MongoDB URI (any real database, prod
 * profile or not) the flag is ignored, so accounts with published passwords never reach data that
 * outlives a developer's machine.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
@ConditionalOnBooleanProperty(name = "kaleem.security.demo-users.enabled")
@Conditional(NoExternalMongoCondition.class)
class DemoUsers implements StartupTask {

  private static final Logger log = LoggerFactory.getLogger(DemoUsers.class);

  /** A demo account; the secret is public by design (embedded development only). */
  record Demo(String email, String secret, String name, AuthRequests.AccountType type) {}

  static final Demo OWNER =
      new Demo(
          DemoAccounts.OWNER_EMAIL,
          "demo-owner-2026",
          "Demo Owner",
          AuthRequests.AccountType.MERCHANT_OWNER);
  static final Demo CUSTOMER =
      new Demo(
          "customer@demo.kaleem.io",
          "demo-customer-2026",
          "Demo Customer",
          AuthRequests.AccountType.CUSTOMER);
  static final Demo ADMIN = new Demo("admin@demo.kaleem.io", "demo-admin-2026", "Demo Admin", null);

  private final AuthService auth;
  private final UserService users;

  DemoUsers(AuthService auth, UserService users) {
    this.auth = auth;
    this.users = users;
  }

  @Override
  public Mono<Void> run() {
    return Flux.just(ADMIN, OWNER, CUSTOMER)
        .concatMap(this::ensure)
        .then(
            Mono.fromRunnable(
                () -> {
                  log.warn("Demo accounts are enabled (embedded development only):");
                  for (Demo d : new Demo[] {ADMIN, OWNER, CUSTOMER}) {
                    log.warn("  demo sign-in {} with {}", d.email(), d.secret());
                  }
                }));
  }

  /**
   * Creates a missing demo account the way a person would get it: owner and customer register; the
   * admin (no public way to register one) is created as an admin creates staff, then accepts the
   * invitation with the demo password.
   */
  private Mono<Void> ensure(Demo d) {
    return users
        .findByEmail(d.email())
        .map(existing -> existing.id().toHexString())
        .map(Optional::of)
        .defaultIfEmpty(Optional.empty())
        .flatMap(
            existing -> {
              if (existing.isPresent()) {
                // Created without a password (the demo data's showcase owner): give it the demo
                // password the way any invited account gets one. An account that has a password
                // already is a 409 from the invitation, and is left as it is.
                return auth.invite(existing.get())
                    .flatMap(
                        invitation ->
                            auth.acceptInvitation(
                                new AuthRequests.AcceptInvitation(invitation.token(), d.secret())))
                    .then()
                    .onErrorResume(ApiException.class, e -> Mono.empty());
              }
              if (d.type() == null) {
                return users
                    .create(
                        new UserRequests.Create(
                            d.email(), d.name(), null, Role.PLATFORM_ADMIN, null))
                    .flatMap(admin -> auth.invite(admin.id().toHexString()))
                    .flatMap(
                        invitation ->
                            auth.acceptInvitation(
                                new AuthRequests.AcceptInvitation(invitation.token(), d.secret())))
                    .then();
              }
              var merchant =
                  d.type() == AuthRequests.AccountType.MERCHANT_OWNER
                      ? new AuthRequests.Merchant(
                          new LocalizedText("متجر تجريبي", "Demo store"),
                          "demo-store",
                          d.email(),
                          "SA",
                          "SAR")
                      : null;
              return auth.register(
                      new AuthRequests.Register(
                          d.email(), d.secret(), d.name(), d.type(), merchant))
                  .then()
                  .onErrorResume(ApiException.class, e -> Mono.empty());
            });
  }
}
