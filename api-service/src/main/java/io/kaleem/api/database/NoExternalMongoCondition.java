package io.kaleem.api.database;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/** Matches when no MongoDB URI is configured: then the API brings its own in-process server. */
class NoExternalMongoCondition implements Condition {

  @Override
  public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
    var env = context.getEnvironment();
    return !StringUtils.hasText(env.getProperty("MONGODB_URI"))
        && !StringUtils.hasText(env.getProperty("spring.mongodb.uri"));
  }
}
