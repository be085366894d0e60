package io.kaleem.api.demo;

import io.kaleem.api.database.NoExternalMongoCondition;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Demo data only ever goes into the embedded database ({@code make run}), and only while {@code
 * kaleem.mongo.embedded.demo-data} is true: never into a MongoDB named by a URI.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Conditional(DemoDataCondition.OnEmbeddedWithDemoData.class)
@interface DemoDataCondition {

  class OnEmbeddedWithDemoData implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      var env = context.getEnvironment();
      return !NoExternalMongoCondition.externalMongoConfigured(env)
          && env.getProperty("kaleem.mongo.embedded.demo-data", Boolean.class, Boolean.TRUE);
    }
  }
}
