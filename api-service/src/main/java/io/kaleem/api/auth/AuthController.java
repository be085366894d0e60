package io.kaleem.api.auth;

import io.kaleem.api.errors.ApiException;
import io.kaleem.api.errors.ProblemType;
import io.kaleem.api.security.ClientAddress;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

@Tag(name = "auth", description = "Registration, sign-in and token renewal")
@RestController
@RequestMapping("/api/v1/auth")
class AuthController {

  private final AuthService auth;

  AuthController(AuthService auth) {
    this.auth = auth;
  }

  @Operation(summary = "Register a customer, or a merchant owner with their merchant")
  @PostMapping("/register")
  @ResponseStatus(HttpStatus.CREATED)
  Mono<TokenResponse> register(@Valid @RequestBody AuthRequests.Register body) {
    return auth.register(body);
  }

  @Operation(summary = "Sign in with email and password (throttled per account and per IP)")
  @PostMapping("/login")
  Mono<TokenResponse> login(
      @Valid @RequestBody AuthRequests.Login body, ServerWebExchange exchange) {
    return auth.login(body, ClientAddress.of(exchange))
        .doOnError(
            ApiException.class,
            e -> {
              if (e.type() == ProblemType.RATE_LIMITED) {
                exchange
                    .getResponse()
                    .getHeaders()
                    .set(HttpHeaders.RETRY_AFTER, String.valueOf(e.properties().get("retryAfter")));
              }
            });
  }

  @Operation(summary = "Exchange a refresh token for a new access and refresh token (rotation)")
  @PostMapping("/refresh")
  Mono<TokenResponse> refresh(@Valid @RequestBody AuthRequests.Refresh body) {
    return auth.refresh(body);
  }

  @Operation(summary = "Set the password of an invited account and sign in (one-time token)")
  @PostMapping("/invitations/accept")
  Mono<TokenResponse> acceptInvitation(@Valid @RequestBody AuthRequests.AcceptInvitation body) {
    return auth.acceptInvitation(body);
  }

  @Operation(summary = "End the session of a refresh token (revokes its whole family)")
  @PostMapping("/logout")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> logout(@Valid @RequestBody AuthRequests.Refresh body) {
    return auth.logout(body);
  }
}
