package io.kaleem.operator.rollout;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads a Deployment's and its pods' status the way {@code kubectl rollout status} does. */
public final class DeploymentHealth {

  private static final Set<String> BAD_WAITING =
      Set.of(
          "CrashLoopBackOff",
          "ImagePullBackOff",
          "ErrImagePull",
          "InvalidImageName",
          "CreateContainerConfigError",
          "CreateContainerError");

  private DeploymentHealth() {}

  /** Whether every replica runs the current template and is available. */
  public static boolean available(Deployment d) {
    DeploymentStatus s = d == null ? null : d.getStatus();
    if (s == null) {
      return false;
    }
    // No observedGeneration: the deployment controller has not looked at this object yet.
    Long generation = d.getMetadata().getGeneration();
    if (s.getObservedGeneration() == null
        || (generation != null && s.getObservedGeneration() < generation)) {
      return false;
    }
    // Under an HPA the spec has no replicas: at least one must be up.
    int want =
        d.getSpec().getReplicas() != null
            ? d.getSpec().getReplicas()
            : Math.max(1, n(s.getReplicas()));
    int updated = n(s.getUpdatedReplicas());
    return updated >= want
        && n(s.getReplicas()) <= updated
        && n(s.getAvailableReplicas()) >= updated
        && (want > 0 || updated == 0);
  }

  /** The deployment controller's own verdict that the rollout is stuck, if it gave one. */
  public static Optional<String> deadlineExceeded(Deployment d) {
    if (d == null || d.getStatus() == null || d.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return d.getStatus().getConditions().stream()
        .filter(c -> "Progressing".equals(c.getType()))
        .filter(c -> "ProgressDeadlineExceeded".equals(c.getReason()))
        .map(DeploymentCondition::getMessage)
        .map(m -> "progress deadline exceeded: " + m)
        .findFirst();
  }

  /**
   * A pod of the revision failing past the threshold: crash-looping, image pull errors, restarts
   * beyond the threshold, or not ready for longer than threshold × period while running.
   */
  public static Optional<String> podFailure(
      List<Pod> pods, int failureThreshold, int periodSeconds, Instant now) {
    for (Pod p : pods) {
      if (p.getStatus() == null) {
        continue;
      }
      String name = p.getMetadata().getName();
      List<ContainerStatus> cs = p.getStatus().getContainerStatuses();
      if (cs != null) {
        for (ContainerStatus c : cs) {
          if (c.getState() != null
              && c.getState().getWaiting() != null
              && BAD_WAITING.contains(c.getState().getWaiting().getReason())) {
            return Optional.of("pod " + name + " is " + c.getState().getWaiting().getReason());
          }
          if (c.getRestartCount() != null && c.getRestartCount() >= failureThreshold) {
            return Optional.of("pod " + name + " restarted " + c.getRestartCount() + " times");
          }
        }
      }
      if (p.getStatus().getConditions() != null) {
        for (PodCondition c : p.getStatus().getConditions()) {
          if ("Ready".equals(c.getType())
              && "False".equals(c.getStatus())
              && c.getLastTransitionTime() != null
              && "Running".equals(p.getStatus().getPhase())) {
            Duration notReady = Duration.between(Instant.parse(c.getLastTransitionTime()), now);
            if (notReady.getSeconds() > (long) failureThreshold * periodSeconds) {
              return Optional.of(
                  "pod " + name + " has failed readiness for " + notReady.getSeconds() + "s");
            }
          }
        }
      }
    }
    return Optional.empty();
  }

  private static int n(Integer i) {
    return i == null ? 0 : i;
  }
}
