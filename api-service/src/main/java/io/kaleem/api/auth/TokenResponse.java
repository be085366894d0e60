package io.kaleem.api.auth;

/**
 * A signed-in session: a short-lived bearer access token and the opaque refresh token that renews
 * it (once: each refresh returns a new one).
 */
public record TokenResponse(
    String accessToken,
    String tokenType,
    long expiresIn,
    String refreshToken,
    long refreshExpiresIn,
    Account user) {

  /** Who signed in. */
  public record Account(String id, String email, String name, String role, String merchantId) {}
}
