package io.kaleem.operator.workload;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Whether a CRD is installed, asked by {@link CrdInstalled} on every reconcile and answered from
 * one operator-wide record per CRD: the API server is asked again only once {@code interval} has
 * passed since the last answer, present or absent. So a CRD installed after the operator started is
 * found within one interval, a removed one too, and the cost is one GET per CRD per interval
 * whatever the fleet size (JOSDK's {@code CRDPresentActivationCondition} stops asking after ten
 * checks and never asks again once it saw the CRD).
 *
 * <p>One instance per operator (not JOSDK's static map): two operators in one JVM, as in tests, do
 * not share answers. The reconciler hands it to the condition through the reconcile context.
 */
public final class CrdChecks {

  /**
   * One answer.
   *
   * @param removed absent now, present at an earlier check (the CRD was deleted)
   * @param error the check failed and nothing was known before: the CRD is taken as absent
   */
  public record Answer(String crd, boolean present, boolean removed, String error) {}

  private static final String KEY = CrdChecks.class.getName();

  private final Duration interval;
  private final Clock clock;
  private final ConcurrentMap<String, State> states = new ConcurrentHashMap<>();

  private static final class State {
    Answer answer;
    Instant checkedAt;
    boolean stale;
  }

  public CrdChecks(Duration interval, Clock clock) {
    this.interval = interval;
    this.clock = clock;
  }

  public Duration interval() {
    return interval;
  }

  /**
   * The answer for {@code crd}, asked of the API server when the last one is older than the
   * interval (or marked stale). Concurrent reconciles wait for the one check in flight rather than
   * each sending a GET. A failed check keeps the previous answer (an API server blip does not stop
   * an informer) and is retried at the next reconcile.
   */
  public Answer check(String crd, KubernetesClient client) {
    State s = states.computeIfAbsent(crd, k -> new State());
    synchronized (s) {
      Instant now = clock.instant();
      if (s.answer != null && !s.stale && now.isBefore(s.checkedAt.plus(interval))) {
        return s.answer;
      }
      try {
        boolean present =
            client.resources(CustomResourceDefinition.class).withName(crd).get() != null;
        boolean wasPresent = s.answer != null && (s.answer.present() || s.answer.removed());
        s.answer = new Answer(crd, present, !present && wasPresent, null);
        s.checkedAt = now;
        s.stale = false;
      } catch (KubernetesClientException e) {
        if (s.answer == null) {
          s.answer = new Answer(crd, false, false, e.getMessage());
          s.checkedAt = now;
        }
        s.stale = true;
      }
      return s.answer;
    }
  }

  /** The next {@link #check} of {@code crd} asks the API server (a write met a 404). */
  public void recheck(String crd) {
    State s = states.get(crd);
    if (s != null) {
      synchronized (s) {
        s.stale = true;
      }
    }
  }

  /** Every CRD is asked again at its next check (the workflow failed starting an informer). */
  public void recheckAll() {
    states.keySet().forEach(this::recheck);
  }

  public void put(Context<KaleemTenant> ctx) {
    ctx.managedWorkflowAndDependentResourceContext().put(KEY, this);
  }

  static CrdChecks of(Context<KaleemTenant> ctx) {
    return ctx.managedWorkflowAndDependentResourceContext().getMandatory(KEY, CrdChecks.class);
  }
}
