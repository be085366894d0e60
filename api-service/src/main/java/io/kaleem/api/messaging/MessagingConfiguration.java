package io.kaleem.api.messaging;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The event consumers, as Spring Cloud Stream functions ({@code spring.cloud.function.definition}
 * in application.yml binds {@code merchantStatistics-in-0} and {@code notifications-in-0}, each a
 * durable queue of its own group with retries and a dead-letter queue).
 */
@Configuration(proxyBeanMethods = false)
class MessagingConfiguration {

  @Bean
  MerchantStatisticsConsumer merchantStatistics(
      ReactiveMongoTemplate mongo,
      JsonMapper json,
      ProcessedEvents processed,
      Clock clock,
      MeterRegistry meters) {
    return new MerchantStatisticsConsumer(mongo, json, processed, clock, meters);
  }

  @Bean
  NotificationConsumer notifications(
      ReactiveMongoTemplate mongo,
      DomainEvents events,
      JsonMapper json,
      ProcessedEvents processed,
      Clock clock,
      MeterRegistry meters) {
    return new NotificationConsumer(mongo, events, json, processed, clock, meters);
  }
}
