package io.kaleem.operator.rollout;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.kaleem.operator.Labels;
import java.util.Optional;

/**
 * A Deployment's status read the way Kubernetes defines it
 * (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#deployment-status):
 *
 * <ul>
 *   <li>status describes the spec only once {@code status.observedGeneration >=
 *       metadata.generation}; before that every condition may belong to an older template;
 *   <li>a rollout is complete when every replica runs the new template and is available, and no old
 *       replica is left;
 *   <li>{@code Progressing=False/ProgressDeadlineExceeded} is the controller's verdict that no
 *       progress was made for {@code progressDeadlineSeconds}.
 * </ul>
 *
 * @param running whether the Deployment's template is the judged revision
 * @param observed whether the status describes the current spec (and so the judged revision)
 */
public record DeploymentView(
    boolean running,
    boolean observed,
    int desired,
    int replicas,
    int updated,
    int ready,
    int available,
    int revisionReady,
    boolean availableCondition,
    Optional<String> deadlineExceeded) {

  public static final DeploymentView ABSENT =
      new DeploymentView(false, false, 0, 0, 0, 0, 0, 0, false, Optional.empty());

  /**
   * The view with the ready pods of the revision counted: readiness of the revision's own pods is
   * progress, an old pod flapping back to ready is not (the deployment controller counts the new
   * ReplicaSet's pods only).
   */
  public static DeploymentView of(
      Deployment d, String revision, java.util.List<io.fabric8.kubernetes.api.model.Pod> pods) {
    DeploymentView v = of(d, revision);
    int ready = 0;
    for (var p : pods) {
      if (p.getMetadata().getDeletionTimestamp() == null
          && p.getStatus() != null
          && p.getStatus().getConditions() != null
          && p.getStatus().getConditions().stream()
              .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))) {
        ready++;
      }
    }
    return new DeploymentView(
        v.running,
        v.observed,
        v.desired,
        v.replicas,
        v.updated,
        v.ready,
        v.available,
        ready,
        v.availableCondition,
        v.deadlineExceeded);
  }

  public static DeploymentView of(Deployment d, String revision) {
    if (d == null || d.getSpec() == null || d.getSpec().getTemplate() == null) {
      return ABSENT;
    }
    var labels = d.getSpec().getTemplate().getMetadata().getLabels();
    boolean running =
        labels != null && revision != null && revision.equals(labels.get(Labels.REVISION));
    DeploymentStatus s = d.getStatus();
    Long generation = d.getMetadata().getGeneration();
    boolean observed =
        running
            && s != null
            && s.getObservedGeneration() != null
            && (generation == null || s.getObservedGeneration() >= generation);
    if (!observed) {
      return new DeploymentView(running, false, 0, 0, 0, 0, 0, 0, false, Optional.empty());
    }
    int desired =
        d.getSpec().getReplicas() != null ? d.getSpec().getReplicas() : n(s.getReplicas());
    Optional<String> deadline = Optional.empty();
    boolean availableCondition = false;
    if (s.getConditions() != null) {
      for (DeploymentCondition c : s.getConditions()) {
        if ("Progressing".equals(c.getType())
            && "False".equals(c.getStatus())
            && "ProgressDeadlineExceeded".equals(c.getReason())) {
          deadline = Optional.of(c.getMessage() == null ? "" : c.getMessage());
        }
        if ("Available".equals(c.getType()) && "True".equals(c.getStatus())) {
          availableCondition = true;
        }
      }
    }
    return new DeploymentView(
        true,
        true,
        desired,
        n(s.getReplicas()),
        n(s.getUpdatedReplicas()),
        n(s.getReadyReplicas()),
        n(s.getAvailableReplicas()),
        0,
        availableCondition,
        deadline);
  }

  /** Every replica runs this revision and is available; no old replica is left. */
  public boolean complete() {
    return observed && updated >= desired && replicas <= updated && available >= desired;
  }

  /** The counts progress is measured on. */
  public String mark() {
    return desired + "/" + updated + "/" + revisionReady;
  }

  /**
   * Whether going from {@code before} (a {@link #mark()}, or null) to this view is progress in the
   * deployment controller's sense: the desired count changed (a scale is new work), or a replica of
   * the revision was created or became ready.
   */
  public boolean progressSince(String before) {
    if (!observed) {
      return false;
    }
    if (before == null) {
      return true;
    }
    String[] p = before.split("/");
    if (p.length != 3) {
      return true;
    }
    return desired != Integer.parseInt(p[0])
        || updated > Integer.parseInt(p[1])
        || revisionReady > Integer.parseInt(p[2]);
  }

  private static int n(Integer i) {
    return i == null ? 0 : i;
  }
}
