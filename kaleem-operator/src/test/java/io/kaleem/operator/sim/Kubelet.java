package io.kaleem.operator.sim;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kaleem.operator.resources.DesiredState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The kubelet of every simulated node: moves each pod through scheduling, image pull, container
 * start, startup probe and readiness, with the failures an {@link ImageBehaviour} asks for. See
 * README.md in this package for the upstream rule each step follows.
 */
public final class Kubelet {

  private enum Stage {
    PULLING,
    PULL_BACKOFF,
    RUNNING,
    CRASH_BACKOFF
  }

  private static final class PodState {
    Stage stage = Stage.PULLING;
    Instant stageSince;
    int pullAttempts;
    Instant backoffUntil;
    Instant startedAt;
    int restarts;
    String lastTermination;
    Instant lastTerminatedAt;
    boolean pulled;
    boolean ready;
    Instant readyChangedAt;
    Instant createdAt;

    /** The digest pulled ({@code sha256:...}); null until the pull succeeded. */
    String digest;
  }

  private final KubernetesClient client;
  private final String namespace;

  /** The registry: tag reference ({@code repo:tag}) to the digest it points at now. */
  private final Map<String, String> tags = new HashMap<>();

  /** How the content behind each digest runs. */
  private final Map<String, ImageBehaviour> images = new HashMap<>();

  private final Map<String, PodState> pods = new HashMap<>();

  /** Seconds from pod creation to binding and sandbox creation (scheduler + kubelet). */
  private final int scheduleSeconds = 1;

  public Kubelet(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /**
   * How {@code image} runs: a tag reference sets the behaviour of the digest the tag points at now
   * (pods that pulled it earlier run the same bytes and so behave the same); a digest reference
   * ({@code repo@sha256:...}) sets that digest's.
   */
  public synchronized void image(String image, ImageBehaviour b) {
    images.put(resolve(image), b);
  }

  /**
   * Pushes new content under {@code tag}: the tag now points at a new digest that runs as {@code
   * b}. Pods that pulled the old digest keep it; a pull by tag from now on gets the new one, a pull
   * by the old digest still gets the old content (registries keep manifests by digest).
   */
  public synchronized String repoint(String tag, ImageBehaviour b) {
    String digest = "sha256:" + DesiredState.sha256(tag + "#" + (tags.size() + images.size()));
    tags.put(tag, digest);
    images.put(digest, b);
    return digest;
  }

  /** The digest ({@code sha256:...}) {@code image} resolves to in the registry now. */
  public synchronized String digestOf(String image) {
    return resolve(image);
  }

  private String resolve(String image) {
    int at = image.indexOf('@');
    if (at >= 0) {
      return image.substring(at + 1);
    }
    return tags.computeIfAbsent(image, i -> "sha256:" + DesiredState.sha256(i));
  }

  private ImageBehaviour behaviour(PodState s, String image) {
    return images.getOrDefault(
        s.digest != null ? s.digest : resolve(image), ImageBehaviour.healthy());
  }

  /** Advances every pod to {@code now} and writes the status of those that changed. */
  public synchronized void step(Instant now) {
    List<Pod> list = client.pods().inNamespace(namespace).list().getItems();
    List<String> seen = new ArrayList<>();
    for (Pod p : list) {
      String name = p.getMetadata().getName();
      seen.add(name);
      if (p.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      PodState s = pods.computeIfAbsent(name, n -> fresh(p, now));
      String image = p.getSpec().getContainers().get(0).getImage();
      ImageBehaviour b = behaviour(s, image);
      advance(p, s, b, now, image);
      b = behaviour(s, image);
      PodStatus status = render(p, s, b, image, now);
      if (!Objects.equals(Serialization.asJson(status), Serialization.asJson(p.getStatus()))) {
        p.setStatus(status);
        try {
          client.pods().inNamespace(namespace).resource(p).updateStatus();
        } catch (KubernetesClientException e) {
          if (e.getCode() != 404 && e.getCode() != 409) {
            throw e;
          }
        }
      }
    }
    pods.keySet().retainAll(seen);
  }

  private static PodState fresh(Pod p, Instant now) {
    PodState s = new PodState();
    Instant created =
        p.getMetadata().getCreationTimestamp() == null
            ? now
            : Instant.parse(p.getMetadata().getCreationTimestamp());
    s.stageSince = created.isAfter(now) ? now : created;
    s.readyChangedAt = s.stageSince;
    s.createdAt = s.stageSince;
    return s;
  }

  private void advance(Pod p, PodState s, ImageBehaviour b, Instant now, String image) {
    // Loop so a long step passes through several stages, each at its own simulated instant.
    for (int guard = 0; guard < 50; guard++) {
      Instant at;
      switch (s.stage) {
        case PULLING -> {
          at = s.stageSince.plusSeconds((long) scheduleSeconds + b.pullSeconds());
          if (at.isAfter(now)) {
            return;
          }
          if (s.pullAttempts < b.pullFailures()) {
            s.pullAttempts++;
            // Image pull back-off: 10 s doubling to 300 s (kubelet's defaults).
            long delay = Math.min(300, 10L << Math.min(5, s.pullAttempts - 1));
            s.backoffUntil = at.plusSeconds(delay);
            s.stage = Stage.PULL_BACKOFF;
            s.stageSince = at;
          } else {
            s.pulled = true;
            s.digest = resolve(image);
            b = behaviour(s, image);
            start(s, at);
          }
        }
        case PULL_BACKOFF -> {
          if (s.backoffUntil.isAfter(now)) {
            return;
          }
          s.stage = Stage.PULLING;
          s.stageSince = s.backoffUntil.minusSeconds(scheduleSeconds);
        }
        case CRASH_BACKOFF -> {
          if (s.backoffUntil.isAfter(now)) {
            return;
          }
          start(s, s.backoffUntil);
        }
        case RUNNING -> {
          Instant exit = null;
          String reason = null;
          if (b.crashAfterSeconds() > 0) {
            exit = s.startedAt.plusSeconds(b.crashAfterSeconds());
            reason = "Error";
          }
          if (b.oomAfterSeconds() > 0) {
            Instant oom = s.startedAt.plusSeconds(b.oomAfterSeconds());
            if (exit == null || oom.isBefore(exit)) {
              exit = oom;
              reason = "OOMKilled";
            }
          }
          long startup = startupAllowance(p);
          if (b.readyAfterSeconds() > startup && startup > 0) {
            // The startup probe never passes in time: the kubelet kills and restarts it.
            Instant kill = s.startedAt.plusSeconds(startup);
            if (exit == null || kill.isBefore(exit)) {
              exit = kill;
              reason = "Error";
            }
          }
          if (exit == null || exit.isAfter(now)) {
            setReady(s, readyAt(s, b, now), now);
            return;
          }
          setReady(s, false, exit);
          s.restarts++;
          s.lastTermination = reason;
          s.lastTerminatedAt = exit;
          // Crash loop back-off: 10 s doubling to 300 s, reset after 10 min of running.
          long delay = Math.min(300, 10L << Math.min(5, s.restarts - 1));
          s.backoffUntil = exit.plusSeconds(delay);
          s.stage = Stage.CRASH_BACKOFF;
          s.stageSince = exit;
        }
        default -> {
          return;
        }
      }
    }
  }

  private static void start(PodState s, Instant at) {
    s.stage = Stage.RUNNING;
    s.stageSince = at;
    s.startedAt = at;
  }

  private static boolean readyAt(PodState s, ImageBehaviour b, Instant now) {
    if (b.neverReady()) {
      return false;
    }
    Instant readyFrom = s.startedAt.plusSeconds(b.readyAfterSeconds());
    if (now.isBefore(readyFrom)) {
      return false;
    }
    if (b.flapEverySeconds() > 0) {
      long into = (now.getEpochSecond() - readyFrom.getEpochSecond()) % b.flapEverySeconds();
      return into < b.flapEverySeconds() - b.flapForSeconds();
    }
    return true;
  }

  private static void setReady(PodState s, boolean ready, Instant at) {
    if (s.ready != ready) {
      s.ready = ready;
      s.readyChangedAt = at;
    }
  }

  private static long startupAllowance(Pod p) {
    Probe probe = p.getSpec().getContainers().get(0).getStartupProbe();
    if (probe == null) {
      return 0;
    }
    long period = probe.getPeriodSeconds() == null ? 10 : probe.getPeriodSeconds();
    long failures = probe.getFailureThreshold() == null ? 3 : probe.getFailureThreshold();
    return period * failures;
  }

  private PodStatus render(Pod p, PodState s, ImageBehaviour b, String image, Instant now) {
    boolean running = s.stage == Stage.RUNNING;
    ContainerStateBuilder state = new ContainerStateBuilder();
    switch (s.stage) {
      case PULLING ->
          state
              .withNewWaiting()
              .withReason(s.pullAttempts == 0 ? "ContainerCreating" : "ErrImagePull")
              .endWaiting();
      case PULL_BACKOFF ->
          state
              .withNewWaiting()
              .withReason("ImagePullBackOff")
              .withMessage("Back-off pulling image \"" + image + "\"")
              .endWaiting();
      case CRASH_BACKOFF ->
          state
              .withNewWaiting()
              .withReason("CrashLoopBackOff")
              .withMessage("back-off restarting failed container")
              .endWaiting();
      case RUNNING -> state.withNewRunning().withStartedAt(ts(s.startedAt)).endRunning();
      default -> {}
    }
    ContainerStatusBuilder cs =
        new ContainerStatusBuilder()
            .withName(p.getSpec().getContainers().get(0).getName())
            .withImage(image)
            .withReady(s.ready)
            .withStarted(running)
            .withRestartCount(s.restarts)
            .withState(state.build());
    if (s.pulled) {
      // As containerd reports it: the repository and the digest of what was pulled.
      cs.withImageID(repository(image) + "@" + s.digest);
    }
    if (s.lastTermination != null) {
      cs.withNewLastState()
          .withNewTerminated()
          .withReason(s.lastTermination)
          .withExitCode("OOMKilled".equals(s.lastTermination) ? 137 : 1)
          .withFinishedAt(ts(s.lastTerminatedAt))
          .endTerminated()
          .endLastState();
    }
    ContainerStatus c = cs.build();
    Instant created = s.createdAt;
    List<PodCondition> conditions = new ArrayList<>();
    conditions.add(cond("PodScheduled", true, created));
    conditions.add(cond("Initialized", true, created));
    conditions.add(cond("ContainersReady", s.ready, s.readyChangedAt));
    conditions.add(cond("Ready", s.ready, s.readyChangedAt));
    return new PodStatusBuilder()
        .withPhase(s.startedAt == null ? "Pending" : "Running")
        .withConditions(conditions)
        .withContainerStatuses(c)
        .build();
  }

  private static PodCondition cond(String type, boolean status, Instant since) {
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(status ? "True" : "False")
        .withLastTransitionTime(ts(since))
        .build();
  }

  private static String repository(String image) {
    int at = image.indexOf('@');
    String ref = at >= 0 ? image.substring(0, at) : image;
    int slash = ref.lastIndexOf('/');
    int colon = ref.lastIndexOf(':');
    return colon > slash ? ref.substring(0, colon) : ref;
  }

  static String ts(Instant i) {
    return i.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
  }
}
