package io.kaleem.api.auth;

import java.util.Arrays;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Fails start-up, before any bean exists, when the {@code prod} profile is active together with
 * demo users: demo accounts have published passwords and must never reach production.
 */
public class DemoUsersGuard implements EnvironmentPostProcessor, Ordered {

  static final String MESSAGE =
      "kaleem.security.demo-users.enabled=true is not allowed with the 'prod' profile: demo"
          + " accounts have published passwords. Unset KALEEM_SECURITY_DEMO_USERS_ENABLED.";

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    boolean prod = Arrays.asList(environment.getActiveProfiles()).contains("prod");
    boolean demo =
        environment.getProperty("kaleem.security.demo-users.enabled", Boolean.class, false);
    if (prod && demo) {
      throw new IllegalStateException(MESSAGE);
    }
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
