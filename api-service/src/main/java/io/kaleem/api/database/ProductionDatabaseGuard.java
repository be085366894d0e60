package io.kaleem.api.database;

import java.util.Arrays;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Fails start-up, before any bean exists, when the {@code prod} profile has no MongoDB URI: the
 * in-process database is for development, and a production pod silently running one would accept
 * writes that vanish with the pod.
 */
public class ProductionDatabaseGuard implements EnvironmentPostProcessor, Ordered {

  static final String MESSAGE =
      "MONGODB_URI (spring.mongodb.uri) is required with the 'prod' profile: production never runs"
          + " the in-process database. Set MONGODB_URI from a Secret (the operator does:"
          + " spec.database.secretRef).";

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    boolean prod = Arrays.asList(environment.getActiveProfiles()).contains("prod");
    if (prod && !NoExternalMongoCondition.externalMongoConfigured(environment)) {
      throw new IllegalStateException(MESSAGE);
    }
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
