package io.kaleem.api.auth;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Invitations for accounts created through {@code /api/v1/users} (platform admins only, as every
 * route under it): the admin hands the one-time token to the person, who sets a password with
 * {@code POST /api/v1/auth/invitations/accept}.
 */
@Tag(name = "users", description = "Platform users and a merchant's staff")
@RestController
class InvitationController {

  /** What the admin gets: the token is shown once and stored only as a hash. */
  record InvitationView(String userId, String token, Instant expiresAt) {}

  private final AuthService auth;

  InvitationController(AuthService auth) {
    this.auth = auth;
  }

  @Operation(summary = "Invite a user without a password to set one (one-time, expiring token)")
  @PostMapping("/api/v1/users/{userId}/invitation")
  @ResponseStatus(HttpStatus.CREATED)
  Mono<InvitationView> invite(@PathVariable String userId) {
    return auth.invite(userId).map(i -> new InvitationView(i.userId(), i.token(), i.expiresAt()));
  }
}
