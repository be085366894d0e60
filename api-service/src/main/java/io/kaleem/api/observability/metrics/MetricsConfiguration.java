package io.kaleem.api.observability.metrics;

import io.kaleem.crds.metrics.MetricNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.tracer.common.SpanContext;
import io.prometheus.metrics.tracer.otel.OpenTelemetrySpanContext;
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

  /**
   * Exemplars: Spring Boot builds the Prometheus registry with this span context, so a histogram
   * bucket or counter observed while a sampled span is current keeps that span's {@code trace_id}
   * and {@code span_id}, served in the OpenMetrics format only. It reads the OpenTelemetry API's
   * current span, which the Java agent bridges to its own; without the agent (or with its sampler
   * off, as without a collector) no span is sampled and no exemplar is kept.
   */
  @Bean
  SpanContext exemplarSpanContext() {
    return new OpenTelemetrySpanContext();
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
