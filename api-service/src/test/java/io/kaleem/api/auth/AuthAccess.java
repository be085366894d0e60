package io.kaleem.api.auth;

import io.kaleem.api.errors.ApiException;
import org.springframework.context.ApplicationContext;

/** Test access to sign-in from a client address the test cannot take over HTTP. */
public final class AuthAccess {

  private AuthAccess() {}

  /** The HTTP status a login with these credentials from {@code clientIp} gets. */
  public static int loginStatus(
      ApplicationContext context, String email, String password, String clientIp) {
    try {
      context
          .getBean(AuthService.class)
          .login(new AuthRequests.Login(email, password), clientIp)
          .block();
      return 200;
    } catch (ApiException e) {
      return e.type().status().value();
    }
  }
}
