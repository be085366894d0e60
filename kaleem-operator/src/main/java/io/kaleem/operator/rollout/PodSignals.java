package io.kaleem.operator.rollout;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Probe;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Pod-level failure signals of a revision, each time-boxed the way the kubelet itself judges a
 * container (https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/):
 *
 * <ul>
 *   <li>readiness is judged only after the container started: time spent pulling the image or in
 *       the startup probe's allowance ({@code failureThreshold × periodSeconds}) is not "not
 *       ready"; after it, or from the moment a pod that was ready since the start turns not ready
 *       (a flap), a pod not ready for longer than the readiness allowance has failed, and a flap
 *       shorter than the allowance is not a failure;
 *   <li>restarts are counted as increases over the count the pod had when the rollout began, so a
 *       pod that restarted last month does not fail today's revision;
 *   <li>image pull errors ({@code ErrImagePull}, {@code ImagePullBackOff}) and missing config are
 *       retried by the kubelet and often recover (a tag pushed late, a Secret created next): they
 *       are left to the progress deadline, never fatal on sight. {@code InvalidImageName} never
 *       recovers and fails at once.
 * </ul>
 */
public final class PodSignals {

  private static final Set<String> NEVER_RECOVERS = Set.of("InvalidImageName");

  private PodSignals() {}

  /**
   * The first failure among the pods, if any.
   *
   * @param baseline restart counts at rollout start of pods older than the rollout
   * @param failureThreshold the rollout's failure threshold (restarts and readiness failures)
   * @param periodSeconds the rollout's readiness period
   */
  public static Optional<String> failure(
      List<Pod> pods,
      Map<String, Integer> baseline,
      int failureThreshold,
      int periodSeconds,
      Instant now) {
    long readinessAllowance = (long) failureThreshold * periodSeconds;
    for (Pod p : pods) {
      if (p.getStatus() == null || p.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      String name = p.getMetadata().getName();
      List<ContainerStatus> statuses = p.getStatus().getContainerStatuses();
      if (statuses == null) {
        continue;
      }
      for (ContainerStatus c : statuses) {
        if (c.getState() != null
            && c.getState().getWaiting() != null
            && NEVER_RECOVERS.contains(c.getState().getWaiting().getReason())) {
          return Optional.of("pod " + name + " is " + c.getState().getWaiting().getReason());
        }
        int restarts = c.getRestartCount() == null ? 0 : c.getRestartCount();
        int delta = restarts - baseline.getOrDefault(name, 0);
        if (delta >= failureThreshold) {
          String why = lastTermination(c);
          return Optional.of(
              "pod " + name + " restarted " + delta + " times since the rollout began" + why);
        }
      }
      Optional<Instant> started = containerStarted(statuses);
      Optional<Instant> notReadySince = notReadySince(p);
      if (started.isPresent() && notReadySince.isPresent()) {
        // A pod that turned not-ready after this container started had been ready since: its
        // startup probe passed, so the readiness failure counts from that transition (a flap). A
        // container not yet ready since it started is given the startup probe's allowance first.
        Instant from =
            notReadySince.get().isAfter(started.get())
                ? notReadySince.get()
                : started.get().plusSeconds(startupAllowance(p));
        long secs = Duration.between(from, now).getSeconds();
        if (secs > readinessAllowance) {
          return Optional.of(
              "pod "
                  + name
                  + " has failed readiness for "
                  + secs
                  + "s after its container started (allowance "
                  + readinessAllowance
                  + "s)");
        }
      }
    }
    return Optional.empty();
  }

  /** Pods still waiting on an image or on config, for the rollout message. */
  public static Optional<String> waiting(List<Pod> pods) {
    for (Pod p : pods) {
      if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
        continue;
      }
      for (ContainerStatus c : p.getStatus().getContainerStatuses()) {
        if (c.getState() != null && c.getState().getWaiting() != null) {
          String r = c.getState().getWaiting().getReason();
          if (r != null && !"ContainerCreating".equals(r)) {
            return Optional.of("pod " + p.getMetadata().getName() + " is " + r);
          }
        }
      }
    }
    return Optional.empty();
  }

  private static String lastTermination(ContainerStatus c) {
    if (c.getLastState() != null
        && c.getLastState().getTerminated() != null
        && c.getLastState().getTerminated().getReason() != null) {
      return " (last: " + c.getLastState().getTerminated().getReason() + ")";
    }
    if (c.getState() != null && c.getState().getWaiting() != null) {
      return " (" + c.getState().getWaiting().getReason() + ")";
    }
    return "";
  }

  /** When the containers (all of them) last started running; empty while any is not running. */
  private static Optional<Instant> containerStarted(List<ContainerStatus> statuses) {
    Instant latest = null;
    for (ContainerStatus c : statuses) {
      if (c.getState() == null
          || c.getState().getRunning() == null
          || c.getState().getRunning().getStartedAt() == null) {
        return Optional.empty();
      }
      Instant s = Instant.parse(c.getState().getRunning().getStartedAt());
      latest = latest == null || s.isAfter(latest) ? s : latest;
    }
    return Optional.ofNullable(latest);
  }

  private static Optional<Instant> notReadySince(Pod p) {
    if (p.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    for (PodCondition c : p.getStatus().getConditions()) {
      if ("Ready".equals(c.getType()) && "False".equals(c.getStatus())) {
        return Optional.of(
            c.getLastTransitionTime() == null
                ? Instant.EPOCH
                : Instant.parse(c.getLastTransitionTime()));
      }
    }
    return Optional.empty();
  }

  /** Seconds the startup probe allows after the container starts (0 without one). */
  static long startupAllowance(Pod p) {
    long max = 0;
    if (p.getSpec() == null || p.getSpec().getContainers() == null) {
      return 0;
    }
    for (Container c : p.getSpec().getContainers()) {
      Probe s = c.getStartupProbe();
      if (s != null) {
        long period = s.getPeriodSeconds() == null ? 10 : s.getPeriodSeconds();
        long failures = s.getFailureThreshold() == null ? 3 : s.getFailureThreshold();
        long delay = s.getInitialDelaySeconds() == null ? 0 : s.getInitialDelaySeconds();
        max = Math.max(max, delay + period * failures);
      }
    }
    return max;
  }
}
