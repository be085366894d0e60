package io.kaleem.operator;

import static java.util.stream.Collectors.joining;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowReconcileResult;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.kaleem.crds.metrics.MetricNames;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.crds.v1alpha1.KaleemTenantStatus;
import io.kaleem.crds.v1alpha1.KaleemTenantStatus.Phase;
import io.kaleem.operator.indexes.IndexSyncService;
import io.kaleem.operator.metrics.OperatorMetrics;
import io.kaleem.operator.resources.DesiredState;
import io.kaleem.operator.resources.MonitoringResources;
import io.kaleem.operator.rollout.AnalysisRunner;
import io.kaleem.operator.rollout.BlueGreenResources;
import io.kaleem.operator.rollout.DeploymentView;
import io.kaleem.operator.rollout.RolloutControls;
import io.kaleem.operator.rollout.RolloutDecision;
import io.kaleem.operator.rollout.Snapshot;
import io.kaleem.operator.rollout.SnapshotStore;
import io.kaleem.operator.secrets.ApiSecrets;
import io.kaleem.operator.secrets.ReferencedObjects;
import io.kaleem.operator.secrets.SecretCheck;
import io.kaleem.operator.spec.IndexSpecs;
import io.kaleem.operator.spec.SpecValidator;
import io.kaleem.operator.status.Conditions;
import io.kaleem.operator.status.Conditions.Verdict;
import io.kaleem.operator.status.StatusAggregator;
import io.kaleem.operator.status.StatusAggregator.Impact;
import io.kaleem.operator.status.TenantEvents;
import io.kaleem.operator.workload.ConfigMapsDependent;
import io.kaleem.operator.workload.CrdChecks;
import io.kaleem.operator.workload.DeploymentDependent;
import io.kaleem.operator.workload.GeneratedSecretDependent;
import io.kaleem.operator.workload.HpaDependent;
import io.kaleem.operator.workload.MonitoringVerdict;
import io.kaleem.operator.workload.NameConflictException;
import io.kaleem.operator.workload.PdbDependent;
import io.kaleem.operator.workload.PodMonitorDependent;
import io.kaleem.operator.workload.PreviewDeploymentDependent;
import io.kaleem.operator.workload.PreviewServiceDependent;
import io.kaleem.operator.workload.PrometheusRuleDependent;
import io.kaleem.operator.workload.ServiceDependent;
import io.kaleem.operator.workload.WorkloadPlan;
import io.kaleem.operator.workload.WorkloadWrites;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
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
@io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration(fieldManager = Labels.OPERATOR)
@Workflow(
    explicitInvocation = true,
    handleExceptionsInReconciler = true,
    dependents = {
      @Dependent(name = TenantReconciler.CONFIG, type = ConfigMapsDependent.class),
      @Dependent(name = TenantReconciler.SECRET, type = GeneratedSecretDependent.class),
      @Dependent(
          name = TenantReconciler.DEPLOYMENT,
          type = DeploymentDependent.class,
          dependsOn = {TenantReconciler.CONFIG, TenantReconciler.SECRET}),
      @Dependent(
          name = TenantReconciler.PREVIEW,
          type = PreviewDeploymentDependent.class,
          useEventSourceWithName = TenantReconciler.DEPLOYMENT,
          reconcilePrecondition = PreviewDeploymentDependent.Wanted.class,
          dependsOn = {TenantReconciler.DEPLOYMENT}),
      @Dependent(name = TenantReconciler.SERVICE, type = ServiceDependent.class),
      @Dependent(
          name = TenantReconciler.PREVIEW_SERVICE,
          type = PreviewServiceDependent.class,
          useEventSourceWithName = TenantReconciler.SERVICE,
          reconcilePrecondition = PreviewServiceDependent.Wanted.class),
      @Dependent(
          name = TenantReconciler.HPA,
          type = HpaDependent.class,
          reconcilePrecondition = HpaDependent.Autoscaled.class,
          dependsOn = {TenantReconciler.DEPLOYMENT}),
      @Dependent(name = TenantReconciler.PDB, type = PdbDependent.class),
      // Independent of each other: a dependsOn between them would mark the rule for deletion
      // whenever the PodMonitor CRD is missing.
      @Dependent(
          name = PodMonitorDependent.NAME,
          type = PodMonitorDependent.class,
          activationCondition = PodMonitorDependent.CrdPresent.class),
      @Dependent(
          name = PrometheusRuleDependent.NAME,
          type = PrometheusRuleDependent.class,
          activationCondition = PrometheusRuleDependent.CrdPresent.class)
    })
public class TenantReconciler
    implements Reconciler<KaleemTenant>, Cleaner<KaleemTenant>, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TenantReconciler.class);

  static final String CONFIG = "config";
  static final String SECRET = "generated-secret";
  static final String DEPLOYMENT = "deployment";
  static final String PREVIEW = "preview-deployment";
  static final String SERVICE = "service";
  static final String PREVIEW_SERVICE = "preview-service";
  static final String HPA = "hpa";
  static final String PDB = "pdb";

  private final ReferencedObjects referenced = new ReferencedObjects();
  private final KubernetesClient client;
  private final OperatorSettings settings;
  private final TenantEvents events;
  private final CrdChecks crdChecks;
  private final IndexSyncService indexes;
  private final SecretCheck secretCheck;
  private final AnalysisRunner analyses;
  private final OperatorOptions options;
  private final SnapshotStore snapshots;
  private final MeterRegistry meters;
  private final Timer reconcileTimer;
  private final OperatorMetrics metrics;

  public TenantReconciler(
      KubernetesClient client,
      OperatorSettings settings,
      MeterRegistry meters,
      IndexSyncService indexes,
      AnalysisRunner analyses,
      OperatorOptions options) {
    this.client = client;
    this.settings = settings;
    this.meters = meters;
    this.events = new TenantEvents(client, meters);
    this.crdChecks = new CrdChecks(settings.crdCheckInterval(), java.time.Clock.systemUTC());
    MonitoringResources.registerKinds(client);
    this.indexes = indexes;
    this.secretCheck = new SecretCheck(referenced);
    this.analyses = analyses;
    this.options = options;
    this.snapshots = new SnapshotStore(client);
    this.metrics = new OperatorMetrics(meters);
    this.reconcileTimer =
        Timer.builder(MetricNames.OPERATOR_RECONCILE_DURATION)
            .description("Time of one KaleemTenant reconcile (index builds run outside it)")
            .publishPercentiles(0.5, 0.95, 0.99)
            .register(meters);
  }

  @Override
  public List<EventSource<?, KaleemTenant>> prepareEventSources(
      EventSourceContext<KaleemTenant> context) {
    // Deployments, Services, ConfigMaps, the generated Secret, HPA and PDB have the workflow's
    // informers (the dependents'); Deployment status changes reach the rollout decision there.
    // Pod status (a restart, readiness) is a rollout signal: react to it, not to the next poll.
    // Pods are owned by ReplicaSets, not by the tenant: map them through their tenant label.
    var pods =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, KaleemTenant.class)
                // Every pod carrying a tenant label (the pods of our Deployments do).
                .withLabelSelector(Labels.TENANT)
                .withSecondaryToPrimaryMapper(
                    (Pod p) ->
                        p.getMetadata().getLabels() == null
                                || p.getMetadata().getLabels().get(Labels.TENANT) == null
                            ? java.util.Set.of()
                            : java.util.Set.of(
                                new io.javaoperatorsdk.operator.processing.event.ResourceID(
                                    p.getMetadata().getLabels().get(Labels.TENANT),
                                    p.getMetadata().getNamespace())))
                .withNamespacesInheritedFromController()
                .build(),
            context);
    // The end of a background index sync.
    TenantSignal indexSync = new TenantSignal("index-sync");
    indexes.onSyncEnded(indexSync::signal);
    // The end of an analysis measurement (they run on their own executor).
    TenantSignal analysed = new TenantSignal("rollout-analysis");
    analyses.onMeasurement(analysed::signal);
    // Snapshots are immutable: read from a cache, fetched only when the cache does not have one
    // yet.
    var revisions =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ControllerRevision.class, KaleemTenant.class)
                .withName(REVISIONS)
                .withLabelSelector(Labels.MANAGED_BY + "=" + Labels.OPERATOR)
                .withNamespacesInheritedFromController()
                .build(),
            context);
    this.revisionCache = revisions;
    return List.of(
        pods,
        referenced.secretSource(context),
        referenced.configMapSource(context),
        revisions,
        indexSync,
        analysed);
  }

  private static final String REVISIONS = "snapshots";
  private volatile InformerEventSource<ControllerRevision, KaleemTenant> revisionCache;

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
    Instant now = options.clock().instant();
    KaleemTenantStatus before =
        t.getStatus() == null ? new KaleemTenantStatus() : copyStatus(t.getStatus());
    KaleemTenantStatus st = copyStatus(before);
    Long generation = t.getMetadata().getGeneration();
    List<Verdict> verdicts = new ArrayList<>();
    // Defaults are applied here, once, from the one place they live (crds' withDefaults); nothing
    // downstream reads a field with a fallback of its own.
    KaleemTenantSpec spec = t.getSpec() == null ? null : t.getSpec().withDefaults();
    Duration next = settings.resync();

    // 1. The spec: refused as a whole before anything is touched.
    List<String> problems = new ArrayList<>(SpecValidator.problems(spec));
    // The CRD's CEL rule refuses such a name at the API server; this says the same where the
    // rule is not evaluated (an older API server, the mock in tests).
    String name = t.getMetadata().getName();
    if (name.length() > KaleemTenant.MAX_NAME_LENGTH || !name.matches(KaleemTenant.NAME_PATTERN)) {
      problems.add(KaleemTenant.NAME_RULE_MESSAGE);
    }
    if (!problems.isEmpty()) {
      verdicts.add(
          Verdict.bad(Conditions.SPEC_VALID, "InvalidSpec", String.join("; ", problems))
              .with(Impact.FAILED));
      return finish(t, ctx, before, st, verdicts, null, generation, now, null);
    }
    verdicts.add(Verdict.ok(Conditions.SPEC_VALID, "Valid", "spec is valid"));

    // 2. The database secret: a prerequisite of the workload, checked before any write.
    Optional<String> uri;
    try {
      uri = mongoUri(t, spec, referenced::secret);
    } catch (IllegalStateException e) {
      verdicts.add(
          Verdict.bad(Conditions.DATABASE_READY, "SecretNotFound", e.getMessage())
              .with(Impact.FAILED));
      return finish(t, ctx, before, st, verdicts, null, generation, now, settings.backoffMax());
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
                  missing.stream().map(SecretCheck.Problem::message).collect(joining("; ")))
              .with(Impact.FAILED));
      return finish(t, ctx, before, st, verdicts, null, generation, now, settings.backoffMax());
    }

    // 3. Database and indexes. Never blocks: a sync runs in the background (started here, first,
    // so it overlaps the API writes below) and its end triggers another reconcile.
    next = min(next, reconcileIndexes(t, spec, uri.orElseThrow(), st, verdicts));

    // 4. The rollout decision, taken on what is observed before anything is written.
    Snapshot desired = Snapshot.render(t, spec, options.podAnnotations());
    boolean blueGreen = spec.rollout.strategy == KaleemTenantSpec.Strategy.BlueGreen;
    String ns = t.getMetadata().getNamespace();
    Deployment active = deployment(ctx, Labels.apiName(t));
    Deployment preview = deployment(ctx, BlueGreenResources.previewName(t));
    String judged = st.currentRevision;
    boolean judgedOnPreview =
        blueGreen
            && st.activeRevision != null
            && judged != null
            && !judged.equals(st.activeRevision);
    RolloutDecision.Decision dec =
        RolloutDecision.decide(
            new RolloutDecision.Input(
                spec,
                DesiredState.sha256(Serialization.asJson(spec)).substring(0, 16),
                desired.revision(),
                RolloutControls.of(t),
                st,
                judgedOnPreview ? preview : active,
                tenantPods(ctx),
                judged == null ? Optional.empty() : analyses.latest(key(t), judged),
                now,
                settings.rolloutPoll()));
    st = dec.status();
    Snapshot running = desired;
    if (dec.target() == RolloutDecision.Target.LAST_GOOD) {
      running = loadSnapshot(t, st.lastGoodSnapshot);
      if (running == null) {
        verdicts.add(
            Verdict.bad(
                    Conditions.ROLLOUT_HEALTHY,
                    "SnapshotMissing",
                    "ControllerRevision "
                        + st.lastGoodSnapshot
                        + " holding the last good revision is gone; the operator will not guess")
                .with(Impact.FAILED));
        return finish(t, ctx, before, st, verdicts, null, generation, now, next);
      }
    }
    if (dec.promote()) {
      // The snapshot exists before the status names it.
      st.lastGoodSnapshot =
          snapshots.save(
              t, running, generation == null ? 0 : generation, pods(ctx, running.revision()));
    }
    // Persist the decision before acting on it: a crash after this point replays the same
    // decision; a crash before it leaves the cluster as it was.
    if (!rolloutJson(before).equals(rolloutJson(st))) {
      KaleemTenantStatus persisted = copyStatus(st);
      persisted.conditions = before.conditions;
      // The phase moves with the decision, so a reader never sees a new revision under "Ready".
      persisted.phase =
          dec.phase() != null
              ? dec.phase()
              : java.util.Objects.equals(before.currentRevision, st.currentRevision)
                  ? before.phase
                  : st.lastGoodRevision == null ? Phase.Provisioning : Phase.Progressing;
      persisted.observedGeneration = before.observedGeneration;
      t =
          PrimaryUpdateAndCacheUtils.patchStatusAndCacheResource(
              t,
              ctx,
              r -> {
                r.setStatus(persisted);
                return r;
              });
      before = copyStatus(persisted);
    }
    for (RolloutDecision.Note n : dec.notes()) {
      if (n.warning()) {
        events.warning(t, n.reason(), n.message());
      } else {
        events.normal(t, n.reason(), n.message());
      }
    }
    dec.rollback().ifPresent(r -> metrics.rolledBack(r.reason));
    recordRolloutEnd(before, st, dec, now);

    // 5. Configuration, workload and monitoring objects, unless the decision holds (then no object
    // is written, and MonitoringReady keeps its last value). A Deployment already running the
    // revision keeps its images (Snapshot.keepingImagesOf): no pods replaced by themselves.
    running = running.keepingImagesOf(active);
    if (!dec.hold()) {
      WorkloadPlan plan = plan(t, spec, st, running, active, preview, blueGreen);
      WorkflowReconcileResult result;
      try {
        result = runWorkflow(t, ctx, plan);
      } catch (RuntimeException e) {
        // An informer that could not start (its CRD removed between the check and the start)
        // fails the whole run: the retry asks the API server about the CRDs again.
        crdChecks.recheckAll();
        throw e;
      }
      MonitoringVerdict monitored =
          MonitoringVerdict.of(t, result, crdChecks, settings.backoffBase());
      verdicts.add(monitored.verdict());
      if (monitored.requeue() != null) {
        next = min(next, monitored.requeue());
      }
      Optional<Verdict> refused = refusal(result);
      if (refused.isPresent()) {
        verdicts.add(refused.get());
        return finish(t, ctx, before, st, verdicts, null, generation, now, settings.backoffMax());
      }
    }
    verdicts.add(
        Verdict.ok(
            Conditions.CONFIG_READY,
            "Applied",
            "ConfigMap "
                + ConfigMapsDependent.mountedBy(running)
                + " and Secret "
                + Labels.secretName(t)
                + " are in place"));

    // 6. Analysis runs on its own executor; this reconcile only asks for it.
    List<Verdict> rollout = new ArrayList<>(dec.verdicts());
    if (dec.analyse() && spec.rollout.analysis != null) {
      var endpoint = options.analysisProviders().find(spec.rollout.analysis.provider);
      if (endpoint.isEmpty()) {
        rollout.replaceAll(
            v ->
                v.type().equals(Conditions.ROLLOUT_HEALTHY)
                    ? Verdict.unknown(
                        Conditions.ROLLOUT_HEALTHY,
                        "AnalysisProviderUnknown",
                        "spec.rollout.analysis.provider '"
                            + spec.rollout.analysis.provider
                            + "' is not in the operator's ANALYSIS_PROVIDERS; the revision is not"
                            + " promoted")
                    : v);
      } else {
        analyses.ensure(
            key(t),
            spec.rollout.analysis.provider,
            endpoint.get(),
            ns,
            t.getMetadata().getName(),
            dec.revision(),
            spec.rollout.analysis);
      }
    } else {
      analyses.stop(key(t));
    }
    verdicts.addAll(rollout);
    if (dec.requeue() != null) {
      next = min(next, dec.requeue());
    }

    return finish(t, ctx, before, st, verdicts, dec.phase(), generation, now, next);
  }

  /**
   * What the decision wants running, for the workflow's dependents. BlueGreen: while a candidate is
   * judged, the active Deployment, its ConfigMap and the tenant Service are left exactly as they
   * are and the candidate runs as the preview; once traffic switched (or there is no active
   * revision yet) the active Deployment runs the active revision, and the preview is scaled away
   * only after the active Deployment is complete, so the Service always has ready pods.
   */
  private WorkloadPlan plan(
      KaleemTenant t,
      KaleemTenantSpec spec,
      KaleemTenantStatus st,
      Snapshot running,
      Deployment active,
      Deployment preview,
      boolean blueGreen) {
    boolean previewUp =
        preview != null
            && (preview.getSpec().getReplicas() == null || preview.getSpec().getReplicas() > 0);
    if (!blueGreen) {
      // Left from BlueGreen: scaled away, not deleted (the operator never deletes workloads).
      return new WorkloadPlan(spec, running, null, false, null, 0, previewUp);
    }
    String activeRev = st.activeRevision;
    if (activeRev == null || activeRev.equals(running.revision())) {
      boolean caughtUp = active != null && DeploymentView.of(active, running.revision()).complete();
      return new WorkloadPlan(
          spec, running, running.revision(), false, null, 0, previewUp && caughtUp);
    }
    int replicas =
        active != null && active.getSpec().getReplicas() != null
            ? active.getSpec().getReplicas()
            : spec.api.replicas;
    Snapshot keepActive = null;
    if (active == null && st.lastGoodSnapshot != null) {
      // Deleted by hand while a candidate is judged: production comes back as the last good.
      keepActive = loadSnapshot(t, st.lastGoodSnapshot);
    }
    return new WorkloadPlan(spec, keepActive, null, active != null, running, replicas, false);
  }

  /** Runs the workflow for {@code plan}; reports each write as an Event. */
  private WorkflowReconcileResult runWorkflow(
      KaleemTenant t, Context<KaleemTenant> ctx, WorkloadPlan plan) {
    plan.put(ctx);
    crdChecks.put(ctx);
    WorkloadWrites writes = WorkloadWrites.start(ctx);
    WorkflowReconcileResult result =
        ctx.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
    for (WorkloadWrites.Write w : writes.list()) {
      meters
          .counter(MetricNames.OPERATOR_WRITES, "kind", w.kind(), "outcome", w.verb())
          .increment();
      events.normal(t, w.verb(), w.verb().toLowerCase() + " " + w.kind() + " " + w.name());
    }
    return result;
  }

  /**
   * The workload's errors (monitoring ones are MonitoringVerdict's). A name taken by an object we
   * do not own is the tenant's problem (condition, no retry storm); any other error goes to JOSDK's
   * retry.
   */
  private static Optional<Verdict> refusal(WorkflowReconcileResult result) {
    List<String> conflicts = new ArrayList<>();
    RuntimeException other = null;
    // Keyed by JOSDK's raw DependentResource: read as Object.
    Map<?, Exception> errors = result.getErroredDependents();
    for (Map.Entry<?, Exception> e : errors.entrySet()) {
      if (MonitoringVerdict.isMonitoring(e.getKey())) {
        continue;
      }
      NameConflictException conflict = find(e.getValue(), NameConflictException.class);
      if (conflict != null) {
        conflicts.add(conflict.getMessage());
      } else if (other == null) {
        other =
            e.getValue() instanceof RuntimeException re
                ? re
                : new IllegalStateException(e.getValue());
      }
    }
    if (!conflicts.isEmpty()) {
      return Optional.of(
          Verdict.bad(Conditions.CONFIG_READY, NAME_CONFLICT, String.join("; ", conflicts))
              .with(Impact.FAILED));
    }
    if (other != null) {
      throw other;
    }
    return Optional.empty();
  }

  static final String NAME_CONFLICT = "NameConflict";

  /**
   * A rollout's verdict: the revision became last good (promoted) or was rolled back; its duration
   * counts from the rollout's start as the status recorded it.
   */
  private void recordRolloutEnd(
      KaleemTenantStatus before,
      KaleemTenantStatus after,
      RolloutDecision.Decision dec,
      Instant now) {
    if (before.rolloutStartedAt == null) {
      return;
    }
    boolean promoted =
        after.lastGoodRevision != null
            && !after.lastGoodRevision.equals(before.lastGoodRevision)
            && after.lastGoodRevision.equals(before.currentRevision);
    boolean rolledBack = dec.rollback().isPresent();
    if (!promoted && !rolledBack) {
      return;
    }
    try {
      Duration d = Duration.between(Instant.parse(before.rolloutStartedAt), now);
      if (!d.isNegative()) {
        metrics.rolloutEnded(promoted, d);
      }
    } catch (java.time.format.DateTimeParseException e) {
      // A hand-edited status: no duration to record.
    }
  }

  private static <E extends Throwable> E find(Throwable e, Class<E> type) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }

  private static Deployment deployment(Context<KaleemTenant> ctx, String name) {
    return ctx.getSecondaryResources(Deployment.class).stream()
        .filter(d -> name.equals(d.getMetadata().getName()))
        .findFirst()
        .orElse(null);
  }

  private static List<Pod> tenantPods(Context<KaleemTenant> ctx) {
    return List.copyOf(ctx.getSecondaryResources(Pod.class));
  }

  /** A stored snapshot: from the informer's cache, fetched only when the cache has not seen it. */
  private Snapshot loadSnapshot(KaleemTenant t, String name) {
    var cache = revisionCache;
    if (cache != null) {
      var cached = cache.get(new ResourceID(name, t.getMetadata().getNamespace()));
      if (cached.isPresent()) {
        return SnapshotStore.fromRevision(cached.get());
      }
    }
    return snapshots.load(t, name);
  }

  /** The tenant's pods of one revision, from the pod informer's cache. */
  private static List<Pod> pods(Context<KaleemTenant> ctx, String revision) {
    return tenantPods(ctx).stream()
        .filter(
            p ->
                p.getMetadata().getLabels() != null
                    && revision.equals(p.getMetadata().getLabels().get(Labels.REVISION)))
        .toList();
  }

  /** The status without conditions and phase: what a rollout decision changes. */
  private static String rolloutJson(KaleemTenantStatus s) {
    KaleemTenantStatus c = copyStatus(s);
    c.conditions = List.of();
    c.phase = null;
    c.observedGeneration = null;
    c.indexes = null;
    return Serialization.asJson(c);
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
                t.getMetadata().getUid(),
                IndexSpecs.confirmedRebuilds(t),
                IndexSpecs.desired(spec),
                spec.database.unmanagedIndexes,
                n(c.created),
                n(c.rebuilt),
                n(c.dropped),
                n(c.managed) > 0));
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
        if (!r.notes().isEmpty()) {
          msg += "; " + String.join("; ", r.notes());
        }
        if (!r.problems().isEmpty()) {
          // Each index keeps its own reason; the condition carries the first one's.
          out.add(
              Verdict.bad(
                  Conditions.INDEXES_READY,
                  r.problems().get(0).reason(),
                  r.problems().stream()
                          .map(IndexSyncService.Problem::message)
                          .collect(joining("; "))
                      + "; "
                      + msg));
        } else {
          out.add(
              Verdict.ok(
                  Conditions.INDEXES_READY,
                  r.unmanagedNames().isEmpty() ? "Synced" : "UnmanagedIndexesReported",
                  msg));
        }
      }
    }
    st.indexes = counts;
    // A running sync is not polled: its end is an event source (TenantSignal "index-sync").
    return r.retryAfter().isNegative() || r.retryAfter().isZero()
        ? settings.resync()
        : r.retryAfter();
  }

  private UpdateControl<KaleemTenant> finish(
      KaleemTenant t,
      Context<KaleemTenant> ctx,
      KaleemTenantStatus before,
      KaleemTenantStatus st,
      List<Verdict> verdicts,
      Phase decided,
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
    StatusAggregator.Result aggregate =
        StatusAggregator.aggregate(verdicts, decided, st.lastGoodRevision != null);
    Phase phase = aggregate.phase();
    Conditions.set(st.conditions, aggregate.ready(), generation, now);
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
      KaleemTenantSpec spec = t.getSpec() == null ? null : t.getSpec().withDefaults();
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
        // Cleanup may run before the caches know the Secret (a deletion right after a restart).
        uri = mongoUri(t, spec, (ns, n) -> client.secrets().inNamespace(ns).withName(n).get());
      } catch (IllegalStateException e) {
        events.warning(
            t,
            "DatabaseNotDropped",
            "deletionPolicy Delete, but the database cannot be reached: " + e.getMessage());
        return DeleteControl.defaultDelete();
      }
      try {
        indexes.dropDatabase(uri.orElseThrow(), spec.database.name, t.getMetadata().getUid());
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
  private static Optional<String> mongoUri(
      KaleemTenant t,
      KaleemTenantSpec spec,
      java.util.function.BiFunction<String, String, Secret> secrets) {
    String name = spec.database.secretRef.name;
    String key = spec.database.secretRef.key;
    Secret s = secrets.apply(t.getMetadata().getNamespace(), name);
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
