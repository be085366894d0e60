package io.kaleem.operator;

import static java.util.stream.Collectors.joining;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.crds.v1alpha1.KaleemTenantStatus;
import io.kaleem.crds.v1alpha1.KaleemTenantStatus.Phase;
import io.kaleem.operator.indexes.IndexSyncEvents;
import io.kaleem.operator.indexes.IndexSyncService;
import io.kaleem.operator.resources.Applier;
import io.kaleem.operator.resources.Applier.Outcome;
import io.kaleem.operator.resources.ConfigResources;
import io.kaleem.operator.resources.MonitoringResources;
import io.kaleem.operator.resources.WorkloadResources;
import io.kaleem.operator.rollout.RolloutController;
import io.kaleem.operator.rollout.RolloutController.Judgement;
import io.kaleem.operator.secrets.ApiSecrets;
import io.kaleem.operator.secrets.SecretCheck;
import io.kaleem.operator.spec.IndexSpecs;
import io.kaleem.operator.spec.SpecValidator;
import io.kaleem.operator.status.Conditions;
import io.kaleem.operator.status.Conditions.Verdict;
import io.kaleem.operator.status.TenantEvents;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Reconciles one {@link KaleemTenant}: validates the spec, renders the tenant configuration and the
 * API workload, judges the running revision (rolling back a bad one), keeps alert rules and
 * database indexes in place, and reports one condition per concern. Level-triggered and idempotent:
 * objects are written only when their desired state changed, status only when it changed.
 */
public class TenantReconciler
    implements Reconciler<KaleemTenant>, Cleaner<KaleemTenant>, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TenantReconciler.class);

  private final KubernetesClient client;
  private final OperatorSettings settings;
  private final Applier applier;
  private final TenantEvents events;
  private final MonitoringResources monitoring;
  private final IndexSyncService indexes;
  private final RolloutController rollouts;
  private final SecretCheck secretCheck;
  private final MeterRegistry meters;
  private final Timer reconcileTimer;

  public TenantReconciler(
      KubernetesClient client,
      OperatorSettings settings,
      MeterRegistry meters,
      IndexSyncService indexes,
      RolloutController rollouts) {
    this.client = client;
    this.settings = settings;
    this.meters = meters;
    this.applier = new Applier(client, meters);
    this.events = new TenantEvents(client, meters);
    this.monitoring = new MonitoringResources(client, settings.crdCheckInterval());
    this.indexes = indexes;
    this.rollouts = rollouts;
    this.secretCheck = new SecretCheck(client);
    this.reconcileTimer =
        Timer.builder("kaleem_operator_tenant_reconcile_seconds")
            .description("Time of one KaleemTenant reconcile (index builds run outside it)")
            .publishPercentiles(0.5, 0.95, 0.99)
            .register(meters);
  }

  @Override
  public List<EventSource<?, KaleemTenant>> prepareEventSources(
      EventSourceContext<KaleemTenant> context) {
    // Deployment status changes (availability, progress deadline) drive rollout decisions.
    var deployments =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Deployment.class, KaleemTenant.class)
                .withLabelSelector(Labels.MANAGED_BY + "=" + Labels.OPERATOR)
                .withNamespacesInheritedFromController()
                .build(),
            context);
    // The end of a background index sync.
    IndexSyncEvents indexSync = new IndexSyncEvents();
    indexes.onSyncEnded(indexSync::ended);
    return List.of(deployments, indexSync);
  }

  @Override
  public UpdateControl<KaleemTenant> reconcile(KaleemTenant t, Context<KaleemTenant> context) {
    String tenantKey = t.getMetadata().getNamespace() + "/" + t.getMetadata().getName();
    MDC.put("tenant", tenantKey);
    MDC.put("reconcileId", UUID.randomUUID().toString().substring(0, 8));
    Timer.Sample sample = Timer.start(meters);
    try {
      return doReconcile(t, context);
    } finally {
      sample.stop(reconcileTimer);
      MDC.remove("tenant");
      MDC.remove("reconcileId");
    }
  }

  private UpdateControl<KaleemTenant> doReconcile(KaleemTenant t, Context<KaleemTenant> ctx) {
    Instant now = Instant.now();
    KaleemTenantStatus before =
        t.getStatus() == null ? new KaleemTenantStatus() : copyStatus(t.getStatus());
    KaleemTenantStatus st = copyStatus(before);
    Long generation = t.getMetadata().getGeneration();
    List<Verdict> verdicts = new ArrayList<>();
    KaleemTenantSpec spec = t.getSpec();
    Duration next = settings.resync();

    // 1. The spec: refused as a whole before anything is touched.
    List<String> problems = SpecValidator.problems(spec);
    if (!problems.isEmpty()) {
      verdicts.add(Verdict.bad(Conditions.SPEC_VALID, "InvalidSpec", String.join("; ", problems)));
      return finish(t, ctx, before, st, verdicts, Phase.Failed, generation, now, null);
    }
    verdicts.add(Verdict.ok(Conditions.SPEC_VALID, "Valid", "spec is valid"));

    // 2. The database secret: a prerequisite of the workload, checked before any write.
    Optional<String> uri;
    try {
      uri = mongoUri(t, spec);
    } catch (IllegalStateException e) {
      verdicts.add(Verdict.bad(Conditions.DATABASE_READY, "SecretNotFound", e.getMessage()));
      return finish(
          t, ctx, before, st, verdicts, Phase.Failed, generation, now, settings.backoffMax());
    }

    // 2b. Every other Secret and ConfigMap key the pods read: a missing one would leave a rollout
    // of pods that cannot start, so nothing is written until all are there.
    List<SecretCheck.Problem> missing =
        secretCheck.problems(
            t.getMetadata().getNamespace(), ApiSecrets.of(t.getMetadata().getName(), spec));
    if (!missing.isEmpty()) {
      verdicts.add(
          Verdict.bad(
              Conditions.CONFIG_READY,
              missing.get(0).reason(),
              missing.stream().map(SecretCheck.Problem::message).collect(joining("; "))));
      return finish(
          t, ctx, before, st, verdicts, Phase.Failed, generation, now, settings.backoffMax());
    }

    // 3. Database and indexes. Never blocks: a sync runs in the background (started here, first,
    // so it overlaps the API writes below) and its end triggers another reconcile.
    next = min(next, reconcileIndexes(t, spec, uri.orElseThrow(), st, verdicts));

    // 4. Which spec the workload runs: the current one, or the last good one after a rollback.
    String specConfig = ConfigResources.propertiesFile(t, spec);
    WorkloadResources.Template specTemplate =
        WorkloadResources.podTemplate(t, spec, Applier.sha256(specConfig).substring(0, 16));
    // Only a revision the operator actually rolled back stays rolled back: with autoRollback off a
    // failed revision is recorded but left running, and must not be reverted on the next pass.
    boolean rolledBack =
        specTemplate.revision().equals(st.failedRevision)
            && st.lastGoodSpec != null
            && !specTemplate.revision().equals(st.lastGoodRevision)
            && specTemplate.revision().equals(lastRolledBackRevision(st));
    KaleemTenantSpec effective = rolledBack ? st.lastGoodSpec : spec;

    // 5. Configuration and workload.
    Applier.Applied<Deployment> workload = applyWorkload(t, spec, effective);
    String revision =
        workload.object().getSpec().getTemplate().getMetadata().getLabels().get(Labels.REVISION);
    verdicts.add(
        Verdict.ok(
            Conditions.CONFIG_READY,
            "Applied",
            "ConfigMap "
                + Labels.configName(t)
                + " and Secret "
                + Labels.secretName(t)
                + " are in place"));

    // 6. Judge the running revision; roll back a failed one.
    Deployment d = workload.object();
    Judgement j = rollouts.judge(t, spec, effective, st, revision, d, now);
    if (j.started()) {
      events.normal(t, "RolloutStarted", "rolling out revision " + revision);
    }
    if (j.promoted()) {
      events.normal(t, "RevisionPromoted", "revision " + revision + " is the last good revision");
    }
    if (j.failure().isPresent()) {
      st.failedRevision = revision;
      boolean auto = spec.rollout == null || !Boolean.FALSE.equals(spec.rollout.autoRollback);
      if (auto && st.lastGoodSpec != null && !revision.equals(st.lastGoodRevision)) {
        st.rollbackHistory.add(
            new KaleemTenantStatus.RollbackRecord(
                RolloutController.ts(now), revision, st.lastGoodRevision, j.failure().get()));
        while (st.rollbackHistory.size() > 10) {
          st.rollbackHistory.remove(0);
        }
        meters.counter("kaleem_operator_rollbacks_total").increment();
        events.warning(
            t,
            "RolledBack",
            "revision "
                + revision
                + " rolled back to "
                + st.lastGoodRevision
                + ": "
                + j.failure().get());
        rolledBack = true;
        effective = st.lastGoodSpec;
        workload = applyWorkload(t, spec, effective);
        d = workload.object();
        revision = d.getSpec().getTemplate().getMetadata().getLabels().get(Labels.REVISION);
        j = rollouts.judge(t, spec, effective, st, revision, d, now);
      } else {
        events.warning(t, "RolloutFailed", j.failure().get());
      }
    }
    verdicts.add(j.available());
    verdicts.add(j.healthy());
    if (j.inProgress()) {
      Duration poll = settings.rolloutPoll();
      Duration promote = RolloutController.untilPromotion(spec, st, now);
      next = min(next, promote.isZero() ? poll : min(poll, promote.plusMillis(50)));
    }

    // 7. Alert rules, where prometheus-operator is installed.
    next = min(next, reconcileMonitoring(t, spec, verdicts));

    Phase phase = phase(st, verdicts, specTemplate.revision(), rolledBack);
    return finish(t, ctx, before, st, verdicts, phase, generation, now, next);
  }

  /** Applies ConfigMap, Secret, Deployment, Service, HPA and PDB; returns the Deployment. */
  private Applier.Applied<Deployment> applyWorkload(
      KaleemTenant t, KaleemTenantSpec spec, KaleemTenantSpec effective) {
    String config = ConfigResources.propertiesFile(t, effective);
    String configHash = Applier.sha256(config).substring(0, 16);
    report(
        t,
        "ConfigMap",
        Labels.configName(t),
        applier.apply(t, ConfigResources.configMap(t, config)));
    report(
        t,
        "Secret",
        Labels.secretName(t),
        applier.createIfAbsent(t, ConfigResources.generatedSecret(t)));
    WorkloadResources.Template tpl = WorkloadResources.podTemplate(t, effective, configHash);
    Applier.Applied<Deployment> deployment =
        applier.applyAndGet(t, WorkloadResources.deployment(t, spec, tpl));
    report(
        t,
        "Deployment",
        Labels.apiName(t) + " (revision " + tpl.revision() + ")",
        deployment.outcome());
    report(t, "Service", Labels.apiName(t), applier.apply(t, WorkloadResources.service(t)));
    if (WorkloadResources.autoscaled(spec)) {
      report(
          t,
          "HorizontalPodAutoscaler",
          Labels.apiName(t),
          applier.apply(t, WorkloadResources.hpa(t, spec)));
    } else {
      report(
          t,
          "HorizontalPodAutoscaler",
          Labels.apiName(t),
          applier.deleteIfPresent(WorkloadResources.hpaRef(t)));
    }
    report(t, "PodDisruptionBudget", Labels.apiName(t), applier.apply(t, WorkloadResources.pdb(t)));
    return deployment;
  }

  private Duration reconcileMonitoring(KaleemTenant t, KaleemTenantSpec spec, List<Verdict> out) {
    // The scrape first: rules without it would only ever see no data. A PodMonitor that cannot be
    // written leaves the rules' condition to say so at the next pass (the 404 resets the check).
    if (monitoring.podMonitorCrdInstalled()) {
      try {
        report(
            t,
            "PodMonitor",
            Labels.apiName(t),
            applier.apply(t, MonitoringResources.podMonitor(t)));
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          monitoring.forgetPodMonitor();
        }
        out.add(
            Verdict.bad(
                Conditions.MONITORING_READY,
                "ApplyFailed",
                "PodMonitor could not be applied: " + e.getMessage()));
        return settings.backoffBase();
      }
    }
    if (!monitoring.crdInstalled()) {
      out.add(
          Verdict.bad(
              Conditions.MONITORING_READY,
              "Skipped",
              "PrometheusRule skipped: CRD "
                  + MonitoringResources.CRD
                  + " is not installed; it is created once the CRD appears"));
      return settings.crdCheckInterval();
    }
    try {
      report(
          t,
          "PrometheusRule",
          Labels.ruleName(t),
          applier.apply(t, MonitoringResources.rule(t, spec)));
      out.add(
          Verdict.ok(
              Conditions.MONITORING_READY,
              "Applied",
              "PrometheusRule " + Labels.ruleName(t) + " holds the tenant's SLO alerts"));
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        monitoring.forget();
      }
      out.add(
          Verdict.bad(
              Conditions.MONITORING_READY,
              "ApplyFailed",
              "PrometheusRule could not be applied: " + e.getMessage()));
      return settings.backoffBase();
    }
    return settings.resync();
  }

  private Duration reconcileIndexes(
      KaleemTenant t, KaleemTenantSpec spec, String uri, KaleemTenantStatus st, List<Verdict> out) {
    KaleemTenantStatus.IndexCounts c =
        st.indexes == null ? new KaleemTenantStatus.IndexCounts() : st.indexes;
    IndexSyncService.Report r =
        indexes.poll(
            new IndexSyncService.Request(
                key(t),
                uri,
                spec.database.name,
                IndexSpecs.desired(spec),
                spec.database.unmanagedIndexes == null
                    ? KaleemTenantSpec.UnmanagedIndexPolicy.Report
                    : spec.database.unmanagedIndexes,
                n(c.created),
                n(c.rebuilt),
                n(c.dropped)));
    KaleemTenantStatus.IndexCounts counts = new KaleemTenantStatus.IndexCounts();
    counts.created = r.created();
    counts.rebuilt = r.rebuilt();
    counts.dropped = r.dropped();
    switch (r.state()) {
      case FAILED -> {
        counts.managed = n(c.managed);
        counts.unmanaged = n(c.unmanaged);
        out.add(
            Verdict.bad(
                Conditions.DATABASE_READY,
                "Unreachable",
                "database " + spec.database.name + ": " + r.message()));
        out.add(
            Verdict.unknown(
                Conditions.INDEXES_READY, "DatabaseUnreachable", "waiting for the database"));
      }
      case RUNNING -> {
        counts.managed = n(c.managed);
        counts.unmanaged = n(c.unmanaged);
        // Keep the last known database verdict while a sync runs.
        Conditions.find(st.conditions, Conditions.DATABASE_READY)
            .ifPresentOrElse(
                old ->
                    out.add(
                        new Verdict(
                            old.getType(), old.getStatus(), old.getReason(), old.getMessage())),
                () ->
                    out.add(
                        Verdict.unknown(
                            Conditions.DATABASE_READY, "Connecting", "first index sync running")));
        Optional<Verdict> keep =
            Conditions.find(st.conditions, Conditions.INDEXES_READY)
                .filter(x -> "True".equals(x.getStatus()))
                .map(x -> new Verdict(x.getType(), x.getStatus(), x.getReason(), x.getMessage()));
        out.add(
            keep.orElse(
                Verdict.bad(Conditions.INDEXES_READY, "Building", "index build in progress")));
      }
      case SYNCED -> {
        counts.managed = r.managed();
        counts.unmanaged = r.unmanaged();
        out.add(
            Verdict.ok(
                Conditions.DATABASE_READY,
                "Connected",
                "database " + spec.database.name + " reachable"));
        String msg = r.managed() + " managed indexes in place";
        if (!r.unmanagedNames().isEmpty()) {
          msg += "; unmanaged (reported, not dropped): " + String.join(", ", r.unmanagedNames());
        }
        out.add(
            Verdict.ok(
                Conditions.INDEXES_READY,
                r.unmanagedNames().isEmpty() ? "Synced" : "UnmanagedIndexesReported",
                msg));
      }
    }
    st.indexes = counts;
    return r.retryAfter().isNegative() || r.retryAfter().isZero()
        ? Duration.ofSeconds(1)
        : r.retryAfter();
  }

  private static String lastRolledBackRevision(KaleemTenantStatus st) {
    return st.rollbackHistory.isEmpty()
        ? null
        : st.rollbackHistory.get(st.rollbackHistory.size() - 1).from;
  }

  private Phase phase(
      KaleemTenantStatus st, List<Verdict> verdicts, String specRevision, boolean rolledBack) {
    if (rolledBack) {
      return Phase.RolledBack;
    }
    if (specRevision.equals(st.failedRevision) && !specRevision.equals(st.lastGoodRevision)) {
      // A failed revision still running: nothing to go back to, or automatic rollback is off.
      return st.lastGoodRevision == null || st.lastGoodSpec == null ? Phase.Failed : Phase.Degraded;
    }
    Verdict db = get(verdicts, Conditions.DATABASE_READY);
    Verdict idx = get(verdicts, Conditions.INDEXES_READY);
    Verdict avail = get(verdicts, Conditions.DEPLOYMENT_AVAILABLE);
    Verdict mon = get(verdicts, Conditions.MONITORING_READY);
    if (db != null && "False".equals(db.status())) {
      return Phase.Degraded;
    }
    if (mon != null && "ApplyFailed".equals(mon.reason())) {
      return Phase.Degraded;
    }
    boolean building = idx == null || !idx.isTrue();
    if (avail == null || !avail.isTrue() || building) {
      return st.lastGoodRevision == null ? Phase.Provisioning : Phase.Progressing;
    }
    return Phase.Ready;
  }

  private UpdateControl<KaleemTenant> finish(
      KaleemTenant t,
      Context<KaleemTenant> ctx,
      KaleemTenantStatus before,
      KaleemTenantStatus st,
      List<Verdict> verdicts,
      Phase phase,
      Long generation,
      Instant now,
      Duration next) {
    for (Verdict v : verdicts) {
      boolean existed = Conditions.find(st.conditions, v.type()).isPresent();
      if (Conditions.set(st.conditions, v, generation, now)) {
        if (!v.isTrue()) {
          events.warning(t, v.reason(), v.type() + ": " + v.message());
        } else if (existed) {
          // A recovery or a change; a concern that is fine from the start needs no event.
          events.normal(t, v.reason(), v.type() + ": " + v.message());
        }
      }
    }
    boolean ready = phase == Phase.Ready;
    Conditions.set(
        st.conditions,
        ready
            ? Verdict.ok(Conditions.READY, "Ready", "tenant is serving its last good revision")
            : Verdict.bad(Conditions.READY, phase.name(), summary(verdicts, phase)),
        generation,
        now);
    st.phase = phase;
    st.observedGeneration = generation;
    if (before.phase != phase) {
      log.info("phase {} -> {}", before.phase, phase);
    }
    if (!Serialization.asJson(before).equals(Serialization.asJson(st))) {
      // Patch and cache: the next reconcile (often triggered by our own Deployment write) must see
      // this status, or it would act on a stale one (and, say, roll back twice).
      PrimaryUpdateAndCacheUtils.patchStatusAndCacheResource(
          t,
          ctx,
          r -> {
            r.setStatus(st);
            return r;
          });
    }
    UpdateControl<KaleemTenant> control = UpdateControl.noUpdate();
    if (next != null) {
      control.rescheduleAfter(next);
    }
    return control;
  }

  private static String summary(List<Verdict> verdicts, Phase phase) {
    return verdicts.stream()
        .filter(v -> !v.isTrue())
        .map(v -> v.type() + ": " + v.message())
        .findFirst()
        .orElse("phase " + phase);
  }

  @Override
  public ErrorStatusUpdateControl<KaleemTenant> updateErrorStatus(
      KaleemTenant t, Context<KaleemTenant> context, Exception e) {
    log.error("reconcile of {} failed", key(t), e);
    events.warning(t, "ReconcileError", e.getClass().getSimpleName() + ": " + e.getMessage());
    KaleemTenantStatus st =
        t.getStatus() == null ? new KaleemTenantStatus() : copyStatus(t.getStatus());
    Conditions.set(
        st.conditions,
        Verdict.bad(
            Conditions.READY,
            "ReconcileError",
            e.getClass().getSimpleName() + ": " + e.getMessage()),
        t.getMetadata().getGeneration(),
        Instant.now());
    st.phase = Phase.Degraded;
    KaleemTenant patch = new KaleemTenant();
    patch.setMetadata(t.getMetadata());
    patch.setSpec(t.getSpec());
    patch.setStatus(st);
    return ErrorStatusUpdateControl.patchStatus(patch);
  }

  @Override
  public DeleteControl cleanup(KaleemTenant t, Context<KaleemTenant> context) {
    MDC.put("tenant", key(t));
    try {
      indexes.forget(key(t));
      KaleemTenantSpec spec = t.getSpec();
      if (spec == null || spec.deletionPolicy != KaleemTenantSpec.DeletionPolicy.Delete) {
        events.normal(
            t,
            "DatabaseRetained",
            "deletionPolicy Retain: database "
                + (spec == null || spec.database == null ? "?" : spec.database.name)
                + " is kept");
        return DeleteControl.defaultDelete();
      }
      Optional<String> uri;
      try {
        uri = mongoUri(t, spec);
      } catch (IllegalStateException e) {
        events.warning(
            t,
            "DatabaseNotDropped",
            "deletionPolicy Delete, but the database cannot be reached: " + e.getMessage());
        return DeleteControl.defaultDelete();
      }
      try {
        indexes.dropDatabase(uri.orElseThrow(), spec.database.name);
        events.normal(
            t, "DatabaseDropped", "deletionPolicy Delete: dropped database " + spec.database.name);
        return DeleteControl.defaultDelete();
      } catch (RuntimeException e) {
        events.warning(
            t,
            "DatabaseDropFailed",
            "could not drop database " + spec.database.name + ", retrying: " + e.getMessage());
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(settings.backoffMax().toMillis());
      }
    } finally {
      MDC.remove("tenant");
    }
  }

  /** The tenant's MongoDB URI from its secret; IllegalStateException names what is missing. */
  private Optional<String> mongoUri(KaleemTenant t, KaleemTenantSpec spec) {
    String name = spec.database.secretRef.name;
    String key = spec.database.secretRef.key == null ? "uri" : spec.database.secretRef.key;
    Secret s = client.secrets().inNamespace(t.getMetadata().getNamespace()).withName(name).get();
    if (s == null) {
      throw new IllegalStateException(
          "Secret "
              + name
              + " (spec.database.secretRef) not found in namespace "
              + t.getMetadata().getNamespace());
    }
    String value = null;
    if (s.getData() != null && s.getData().get(key) != null) {
      value = new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
    } else if (s.getStringData() != null) {
      value = s.getStringData().get(key);
    }
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("Secret " + name + " has no key '" + key + "'");
    }
    return Optional.of(value.trim());
  }

  private void report(KaleemTenant t, String kind, String name, Outcome o) {
    switch (o) {
      case CREATED -> events.normal(t, "Created", "created " + kind + " " + name);
      case UPDATED -> events.normal(t, "Updated", "updated " + kind + " " + name);
      case DELETED -> events.normal(t, "Deleted", "deleted " + kind + " " + name);
      case UNCHANGED -> {}
    }
  }

  private static KaleemTenantStatus copyStatus(KaleemTenantStatus s) {
    KaleemTenantStatus c =
        Serialization.unmarshal(Serialization.asJson(s), KaleemTenantStatus.class);
    if (c.conditions == null) {
      c.conditions = new ArrayList<>();
    }
    if (c.rollbackHistory == null) {
      c.rollbackHistory = new ArrayList<>();
    }
    return c;
  }

  private static Verdict get(List<Verdict> verdicts, String type) {
    return verdicts.stream().filter(v -> v.type().equals(type)).findFirst().orElse(null);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static int n(Integer i) {
    return i == null ? 0 : i;
  }

  /** Flushes the events still queued. */
  @Override
  public void close() {
    events.close();
  }

  static String key(KaleemTenant t) {
    return t.getMetadata().getNamespace() + "/" + t.getMetadata().getName();
  }
}
