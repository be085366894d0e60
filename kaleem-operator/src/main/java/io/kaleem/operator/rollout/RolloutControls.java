package io.kaleem.operator.rollout;

import io.kaleem.crds.v1alpha1.KaleemTenant;
import java.util.Map;
import java.util.Objects;

/**
 * The annotations an engineer steers a rollout with (Argo Rollouts' pause, retry and skip):
 *
 * <ul>
 *   <li>{@code kaleem.io/paused: "true"}: the operator writes no workload object and makes no
 *       rollout decision until the annotation goes;
 *   <li>{@code kaleem.io/retry: <any new value>}: forget the failed revision and try the spec again
 *       (a value is acted on once; change it to retry again);
 *   <li>{@code kaleem.io/skip-analysis: "true"}: promote on the Kubernetes signals alone.
 * </ul>
 */
public record RolloutControls(boolean paused, String retryToken, boolean skipAnalysis) {

  public static final String PAUSED = "kaleem.io/paused";
  public static final String RETRY = "kaleem.io/retry";
  public static final String SKIP_ANALYSIS = "kaleem.io/skip-analysis";

  public static final RolloutControls NONE = new RolloutControls(false, null, false);

  public static RolloutControls of(KaleemTenant t) {
    Map<String, String> a = t.getMetadata().getAnnotations();
    if (a == null) {
      return NONE;
    }
    return new RolloutControls(
        "true".equalsIgnoreCase(a.get(PAUSED)),
        a.get(RETRY),
        "true".equalsIgnoreCase(a.get(SKIP_ANALYSIS)));
  }

  /**
   * Whether an update of the tenant needs a reconcile: a spec change (generation), a control
   * annotation change, or a deletion. Status-only updates (our own patches) do not.
   */
  public static boolean relevantUpdate(KaleemTenant newer, KaleemTenant older) {
    if (newer.isMarkedForDeletion()
        || !Objects.equals(newer.getMetadata().getGeneration(), older.getMetadata().getGeneration())
        || !Objects.equals(
            newer.getMetadata().getFinalizers(), older.getMetadata().getFinalizers())) {
      return true;
    }
    return !of(newer).equals(of(older));
  }
}
