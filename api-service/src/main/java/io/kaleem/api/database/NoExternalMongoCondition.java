package io.kaleem.api.database;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/** Matches when no MongoDB URI is configured: then the API brings its own in-process server. */
public class NoExternalMongoCondition implements Condition {

  @Override
  public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
    return !externalMongoConfigured(context.getEnvironment());
  }

  /** Whether a MongoDB URI is configured ({@code MONGODB_URI} or {@code spring.mongodb.uri}). */
  public static boolean externalMongoConfigured(org.springframework.core.env.PropertyResolver env) {
    return StringUtils.hasText(env.getProperty("MONGODB_URI"))
        || StringUtils.hasText(env.getProperty("spring.mongodb.uri"));
  }
}
