package io.kaleem.api.database;

import java.time.Duration;
import org.bson.Document;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

/**
 * The {@code mongo} health component. Boot's own indicator sends {@code hello}, which the embedded
 * MongoDB-wire server does not answer; {@code ping} is answered by every server, and a bounded
 * timeout keeps a hung database from hanging the probe.
 */
@Configuration(proxyBeanMethods = false)
class MongoHealthConfiguration {

  static final Duration TIMEOUT = Duration.ofSeconds(2);

  @Bean("mongoHealthIndicator")
  ReactiveHealthIndicator mongoHealthIndicator(ReactiveMongoTemplate mongo) {
    return () ->
        mongo
            .executeCommand(new Document("ping", 1))
            .timeout(TIMEOUT)
            .map(r -> Health.up().build())
            .onErrorResume(e -> reactor.core.publisher.Mono.just(Health.down(e).build()));
  }
}
