package io.kaleem.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.kaleem.operator.indexes.IndexSyncService;
import io.kaleem.operator.rollout.AnalysisRunner;
import io.kaleem.operator.rollout.PrometheusAnalysis;
import io.kaleem.operator.rollout.RolloutControls;
import io.kaleem.operator.spec.IndexSpecs;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator process: one JOSDK {@link Operator} with the {@link TenantReconciler}, leader
 * election on a Lease, Micrometer metrics and the health endpoints. No server-side apply, so the
 * same code paths run against the fabric8 mock API server in tests.
 */
public final class KaleemOperator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KaleemOperator.class);

  private final Operator operator;
  private final IndexSyncService indexes;
  private final HealthServer health;
  private final Liveness liveness;
  private final PrometheusMeterRegistry registry;
  private final TenantReconciler reconciler;
  private final AnalysisRunner analyses;

  private final AtomicBoolean stopping = new AtomicBoolean();
  private final AtomicBoolean leading = new AtomicBoolean();
  private final boolean exitOnLostLease;

  /** An embedded operator (tests, benchmarks): losing the Lease is only logged. */
  public KaleemOperator(KubernetesClient client, OperatorSettings settings) throws IOException {
    this(client, settings, false);
  }

  public KaleemOperator(KubernetesClient client, OperatorSettings settings, boolean exitOnLostLease)
      throws IOException {
    this(client, settings, OperatorOptions.defaults(), exitOnLostLease);
  }

  public KaleemOperator(
      KubernetesClient client,
      OperatorSettings settings,
      OperatorOptions options,
      boolean exitOnLostLease)
      throws IOException {
    this.exitOnLostLease = exitOnLostLease;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    this.indexes =
        new IndexSyncService(
            settings.indexResync(),
            settings.mongoTimeout(),
            settings.backoffBase(),
            settings.backoffMax());
    MicrometerMetrics metrics =
        MicrometerMetrics.newPerResourceCollectingMicrometerMetricsBuilder(registry).build();
    this.operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withMetrics(metrics)
                  .withUseSSAToPatchPrimaryResource(false)
                  // Dependents write by server-side apply (field manager Labels.OPERATOR, set on
                  // TenantReconciler); their matchers are our own (OwnedDependent.match).
                  .withSSABasedCreateUpdateMatchForDependentResources(true)
                  .withCloseClientOnStop(false)
                  .withConcurrentReconciliationThreads(settings.concurrentReconciles())
                  .withReconciliationTerminationTimeout(Duration.ofSeconds(10));
              if (settings.leaderElectionNamespace() != null) {
                o.withLeaderElectionConfiguration(
                    new LeaderElectionConfiguration(
                        settings.leaseName(),
                        settings.leaderElectionNamespace(),
                        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
                        null,
                        new LeaderCallbacks(
                            () -> {
                              leading.set(true);
                              log.info("leading: reconciling tenants");
                            },
                            this::lostLease,
                            leader -> log.info("leader is {}", leader)),
                        false));
              }
            });
    this.analyses = new AnalysisRunner(new PrometheusAnalysis(), 2);
    var operatorMetrics = new io.kaleem.operator.metrics.OperatorMetrics(registry);
    indexes.onSyncDuration(operatorMetrics::indexSyncEnded);
    analyses.onMeasured(kind -> operatorMetrics.measured(kind.name()));
    io.micrometer.core.instrument.Gauge.builder(
            io.kaleem.crds.metrics.MetricNames.OPERATOR_UNHEALTHY_EVENT_SOURCES,
            () ->
                operator.getRuntimeInfo().isStarted()
                    ? operator.getRuntimeInfo().unhealthyEventSources().values().stream()
                        .mapToInt(java.util.Map::size)
                        .sum()
                    : 0)
        .description("Event sources (informers) of the operator that are unhealthy")
        .register(registry);
    this.reconciler = new TenantReconciler(client, settings, registry, indexes, analyses, options);
    operator.register(
        reconciler,
        c -> {
          if (!settings.namespaces().isEmpty()) {
            c.settingNamespaces(settings.namespaces());
          }
          c.withRetry(
              new GenericRetry()
                  .setInitialInterval(settings.backoffBase().toMillis())
                  .setIntervalMultiplier(2)
                  .setMaxInterval(settings.backoffMax().toMillis())
                  .setMaxAttempts(20));
          c.withReconciliationMaxInterval(settings.resync());
          // Control annotations (kaleem.io/paused, retry, skip-analysis) change no generation:
          // let them through, and still ignore our own status patches.
          c.withGenerationAware(false);
          c.withOnUpdateFilter(
              (newer, older) ->
                  RolloutControls.relevantUpdate(newer, older)
                      || !java.util.Objects.equals(
                          IndexSpecs.confirmedRebuilds(newer),
                          IndexSpecs.confirmedRebuilds(older)));
        });
    if (settings.leaderElectionNamespace() == null) {
      leading.set(true);
    }
    this.liveness =
        new Liveness(
            () -> leading.get() && operator.getRuntimeInfo().isStarted(),
            () -> operator.getRuntimeInfo().allEventSourcesAreHealthy(),
            java.time.Clock.systemUTC(),
            Liveness.DEFAULT_GRACE);
    this.health =
        settings.healthPort() < 0
            ? null
            : new HealthServer(
                settings.healthPort(),
                liveness::live,
                () ->
                    operator.getRuntimeInfo().isStarted()
                        && operator.getRuntimeInfo().allEventSourcesAreHealthy(),
                registry);
  }

  /**
   * A replica that loses its Lease while running must stop reconciling at once: it exits and
   * Kubernetes restarts it as a follower. A Lease released by our own shutdown is not a loss.
   */
  private void lostLease() {
    if (stopping.get()) {
      return;
    }
    log.error("lost the leader-election lease; exiting so another replica takes over");
    if (exitOnLostLease) {
      Runtime.getRuntime().halt(1);
    }
  }

  public void start() {
    operator.start();
    log.info("kaleem-operator started");
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public int healthPort() {
    return health == null ? -1 : health.port();
  }

  @Override
  public void close() {
    stopping.set(true);
    log.info("kaleem-operator stopping");
    operator.stop();
    reconciler.close();
    analyses.close();
    indexes.close();
    if (health != null) {
      health.close();
    }
  }

  public static void main(String[] args) throws Exception {
    OperatorSettings settings = OperatorSettings.fromEnvironment(System.getenv());
    KubernetesClient client = new KubernetesClientBuilder().build();
    KaleemOperator op =
        new KaleemOperator(
            client, settings, OperatorOptions.fromEnvironment(System.getenv()), true);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  op.close();
                  client.close();
                  stopped.countDown();
                },
                "shutdown"));
    try {
      op.start();
    } catch (RuntimeException e) {
      // For example the API server is unreachable or the CRD is not installed.
      log.error("kaleem-operator could not start: {}", e.getMessage(), e);
      System.exit(1);
    }
    stopped.await();
  }
}
