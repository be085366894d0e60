package io.kaleem.api.database;

import java.util.concurrent.TimeUnit;
import org.springframework.boot.mongodb.autoconfigure.MongoClientSettingsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Pool and timeout settings from {@code kaleem.mongo.pool} (seed: max 20, min 5). TLS follows the
 * URI ({@code tls=true} or {@code mongodb+srv://}), so production turns it on without code.
 */
@Configuration(proxyBeanMethods = false)
class MongoClientConfiguration {

  @Bean
  MongoClientSettingsBuilderCustomizer kaleemPoolSettings(MongoSettingsProperties settings) {
    MongoSettingsProperties.Pool pool = settings.pool();
    return builder ->
        builder
            .applicationName("kaleem-api")
            .applyToConnectionPoolSettings(
                p ->
                    p.maxSize(pool.maxSize())
                        .minSize(pool.minSize())
                        .maxConnectionIdleTime(pool.maxIdleTime().toMillis(), TimeUnit.MILLISECONDS)
                        .maxWaitTime(pool.maxWaitTime().toMillis(), TimeUnit.MILLISECONDS))
            .applyToSocketSettings(
                s ->
                    s.connectTimeout((int) pool.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                        .readTimeout((int) pool.readTimeout().toMillis(), TimeUnit.MILLISECONDS))
            .applyToClusterSettings(
                c ->
                    c.serverSelectionTimeout(
                        pool.serverSelectionTimeout().toMillis(), TimeUnit.MILLISECONDS));
  }
}
