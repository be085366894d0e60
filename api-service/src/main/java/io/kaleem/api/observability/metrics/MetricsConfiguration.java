package io.kaleem.api.observability.metrics;

import io.kaleem.crds.metrics.MetricNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.mongodb.autoconfigure.MongoClientSettingsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the MongoDB driver's events into {@link DatabaseMetrics}, and serves the Prometheus
 * registry on the management port ({@code kaleem.metrics.port}, default {@value
 * MetricNames#SCRAPE_PORT}) when metrics export is on (it is, except in tests that do not ask for
 * it with {@code @AutoConfigureMetrics}). {@code kaleem.metrics.enabled=false} turns all of it and
 * {@link HttpMetricsFilter} off: the baseline of the instrumentation benchmark.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "kaleem.metrics.enabled", matchIfMissing = true)
class MetricsConfiguration {

  @Bean
  DatabaseMetrics databaseMetrics(MeterRegistry registry) {
    return new DatabaseMetrics(registry);
  }

  @Bean
  MongoClientSettingsBuilderCustomizer databaseMetricsListeners(DatabaseMetrics metrics) {
    return builder ->
        builder
            .addCommandListener(metrics)
            .applyToConnectionPoolSettings(p -> p.addConnectionPoolListener(metrics));
  }

  /** Without a Prometheus registry (export off) there is nothing to serve: no listener. */
  @Bean
  MetricsServer metricsServer(
      ObjectProvider<PrometheusMeterRegistry> registry,
      @Value("${kaleem.metrics.host:0.0.0.0}") String host,
      @Value("${kaleem.metrics.port:" + MetricNames.SCRAPE_PORT + "}") int port) {
    return new MetricsServer(registry.getIfAvailable(), host, port);
  }
}
