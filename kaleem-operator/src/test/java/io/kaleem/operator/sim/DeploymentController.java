package io.kaleem.operator.sim;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kaleem.operator.resources.DesiredState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The deployment and ReplicaSet controllers of kube-controller-manager, for one namespace: one
 * ReplicaSet per pod-template-hash, rolling updates bounded by maxSurge/maxUnavailable, pods
 * created and deleted to match each ReplicaSet, and the Deployment's status and conditions ({@code
 * Progressing} measured from the last progress, {@code Available}). A new generation is observed
 * only {@link #observeLag} after it was first seen, as a busy controller does. README.md in this
 * package links the upstream rules.
 */
public final class DeploymentController {

  public static final String HASH = "pod-template-hash";

  private final KubernetesClient client;
  private final String namespace;
  private Duration observeLag = Duration.ofSeconds(1);
  private final Map<String, Instant> firstSeen = new HashMap<>();
  private final Map<String, Integer> newReady = new HashMap<>();
  private int podSeq;

  public DeploymentController(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  public synchronized void observeLag(Duration d) {
    this.observeLag = d;
  }

  public synchronized void step(Instant now) {
    for (Deployment d : client.apps().deployments().inNamespace(namespace).list().getItems()) {
      sync(d, now);
    }
  }

  private void sync(Deployment d, Instant now) {
    String key = d.getMetadata().getName() + "@" + d.getMetadata().getGeneration();
    Instant seen = firstSeen.computeIfAbsent(key, k -> now);
    DeploymentStatus old = d.getStatus();
    long observed =
        old == null || old.getObservedGeneration() == null ? 0 : old.getObservedGeneration();
    if (observed < d.getMetadata().getGeneration() && now.isBefore(seen.plus(observeLag))) {
      return; // not yet looked at: status still describes the previous generation
    }
    int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    String hash = DesiredState.hash(d.getSpec().getTemplate()).substring(0, 10);
    List<ReplicaSet> sets = replicaSets(d);
    ReplicaSet newRs =
        sets.stream()
            .filter(r -> hash.equals(r.getMetadata().getLabels().get(HASH)))
            .findFirst()
            .orElse(null);
    boolean progress = false;
    boolean newTemplate = false;
    if (newRs == null) {
      newRs = createReplicaSet(d, hash, now);
      sets.add(newRs);
      progress = true;
      newTemplate = true;
    }
    final String newName = newRs.getMetadata().getName();
    List<ReplicaSet> olds =
        new ArrayList<>(
            sets.stream().filter(r -> !r.getMetadata().getName().equals(newName)).toList());
    olds.sort(Comparator.comparing(r -> r.getMetadata().getName()));

    Map<String, List<Pod>> podsBySet = pods(sets);
    int maxSurge = resolve(surge(d), desired, true);
    int maxUnavailable = resolve(unavailable(d), desired, false);
    if (maxSurge == 0 && maxUnavailable == 0) {
      maxUnavailable = 1;
    }
    int total = sets.stream().mapToInt(DeploymentController::replicas).sum();
    int newReplicas = replicas(newRs);
    // Scale the new ReplicaSet up within maxSurge (or down to the desired count).
    if (newReplicas < desired) {
      int up = Math.min(desired + maxSurge - total, desired - newReplicas);
      if (up > 0) {
        setReplicas(newRs, newReplicas + up);
        progress = true;
      }
    } else if (newReplicas > desired) {
      setReplicas(newRs, desired);
    }
    // Scale old ReplicaSets down while at least desired - maxUnavailable pods stay available.
    int available = 0;
    for (ReplicaSet r : sets) {
      available +=
          (int)
              podsBySet.get(r.getMetadata().getName()).stream()
                  .filter(DeploymentController::ready)
                  .count();
    }
    int canRemove = available - (desired - maxUnavailable);
    for (ReplicaSet r : olds) {
      List<Pod> ps = podsBySet.get(r.getMetadata().getName());
      int unhealthy = (int) ps.stream().filter(p -> !ready(p)).count();
      int cut = Math.min(replicas(r), unhealthy); // unavailable old pods go first: no cost
      if (cut > 0) {
        setReplicas(r, replicas(r) - cut);
        progress = true;
      }
    }
    for (ReplicaSet r : olds) {
      int take = Math.min(replicas(r), Math.max(0, canRemove));
      if (take > 0 && replicas(newRs) > 0) {
        setReplicas(r, replicas(r) - take);
        canRemove -= take;
        progress = true;
      }
    }
    // The ReplicaSet controller: pods to match each set.
    for (ReplicaSet r : sets) {
      reconcilePods(d, r, podsBySet.get(r.getMetadata().getName()), now);
    }
    podsBySet = pods(sets);

    int replicas = 0;
    int ready = 0;
    int updated = podsBySet.get(newName).size();
    for (List<Pod> ps : podsBySet.values()) {
      replicas += ps.size();
      ready += (int) ps.stream().filter(DeploymentController::ready).count();
    }
    int updatedReady =
        (int) podsBySet.get(newName).stream().filter(DeploymentController::ready).count();
    // Progress is the new ReplicaSet's pods becoming ready, not an old pod flapping back.
    Integer previousReady = newReady.put(newName, updatedReady);
    if (previousReady != null && updatedReady > previousReady) {
      progress = true;
    }
    boolean complete = updated == desired && replicas == desired && updatedReady == desired;

    List<DeploymentCondition> conditions = new ArrayList<>();
    DeploymentCondition oldProgressing = find(old, "Progressing");
    DeploymentCondition progressing;
    int deadline =
        d.getSpec().getProgressDeadlineSeconds() == null
            ? 600
            : d.getSpec().getProgressDeadlineSeconds();
    if (complete) {
      progressing =
          cond(
              "Progressing",
              "True",
              "NewReplicaSetAvailable",
              "ReplicaSet \"" + newName + "\" has successfully progressed.",
              now,
              oldProgressing);
    } else if (newTemplate) {
      progressing =
          cond(
              "Progressing",
              "True",
              "NewReplicaSetCreated",
              "Created new replica set \"" + newName + "\"",
              now,
              null);
    } else if (progress || oldProgressing == null) {
      progressing =
          cond(
              "Progressing",
              "True",
              "ReplicaSetUpdated",
              "ReplicaSet \"" + newName + "\" is progressing.",
              now,
              null);
    } else if ("True".equals(oldProgressing.getStatus())
        && !"NewReplicaSetAvailable".equals(oldProgressing.getReason())
        && Instant.parse(oldProgressing.getLastUpdateTime()).plusSeconds(deadline).isBefore(now)) {
      progressing =
          cond(
              "Progressing",
              "False",
              "ProgressDeadlineExceeded",
              "ReplicaSet \"" + newName + "\" has timed out progressing.",
              now,
              null);
    } else {
      // Includes a complete rollout that lost a pod: upstream never times out a Deployment whose
      // condition says NewReplicaSetAvailable until progress (a new pod, a pod ready) happens.
      progressing = oldProgressing;
    }
    boolean availableOk = ready >= desired - maxUnavailable;
    DeploymentCondition oldAvailable = find(old, "Available");
    DeploymentCondition availableCond =
        availableOk
            ? cond(
                "Available",
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.",
                now,
                sameStatus(oldAvailable, "True"))
            : cond(
                "Available",
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.",
                now,
                sameStatus(oldAvailable, "False"));
    conditions.add(availableCond);
    conditions.add(progressing);
    DeploymentStatus status =
        new DeploymentStatusBuilder()
            .withObservedGeneration(d.getMetadata().getGeneration())
            .withReplicas(replicas)
            .withUpdatedReplicas(updated)
            .withReadyReplicas(ready)
            .withAvailableReplicas(ready)
            .withUnavailableReplicas(Math.max(0, desired - ready))
            .withConditions(conditions)
            .build();
    if (!Objects.equals(Serialization.asJson(status), Serialization.asJson(old))) {
      Deployment latest =
          client
              .apps()
              .deployments()
              .inNamespace(namespace)
              .withName(d.getMetadata().getName())
              .get();
      if (latest == null
          || !Objects.equals(
              latest.getMetadata().getGeneration(), d.getMetadata().getGeneration())) {
        return; // changed meanwhile: the next step looks again
      }
      latest.setStatus(status);
      try {
        client.apps().deployments().inNamespace(namespace).resource(latest).updateStatus();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
    }
  }

  private static DeploymentCondition sameStatus(DeploymentCondition c, String status) {
    return c != null && status.equals(c.getStatus()) ? c : null;
  }

  /** Keeps lastTransitionTime when the status is unchanged; lastUpdateTime is now on progress. */
  private static DeploymentCondition cond(
      String type,
      String status,
      String reason,
      String message,
      Instant now,
      DeploymentCondition keep) {
    String t = Kubelet.ts(now);
    String transition =
        keep != null && status.equals(keep.getStatus()) ? keep.getLastTransitionTime() : t;
    String update = keep != null && reason.equals(keep.getReason()) ? keep.getLastUpdateTime() : t;
    return new DeploymentConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(transition)
        .withLastUpdateTime(update)
        .build();
  }

  private static DeploymentCondition find(DeploymentStatus s, String type) {
    if (s == null || s.getConditions() == null) {
      return null;
    }
    return s.getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  private List<ReplicaSet> replicaSets(Deployment d) {
    List<ReplicaSet> out = new ArrayList<>();
    for (ReplicaSet r : client.apps().replicaSets().inNamespace(namespace).list().getItems()) {
      if (r.getMetadata().getOwnerReferences() != null
          && r.getMetadata().getOwnerReferences().stream()
              .anyMatch(
                  o ->
                      o.getName().equals(d.getMetadata().getName())
                          && "Deployment".equals(o.getKind()))) {
        out.add(r);
      }
    }
    return out;
  }

  private ReplicaSet createReplicaSet(Deployment d, String hash, Instant now) {
    Map<String, String> labels =
        new LinkedHashMap<>(d.getSpec().getTemplate().getMetadata().getLabels());
    labels.put(HASH, hash);
    ReplicaSet r =
        new ReplicaSetBuilder()
            .withNewMetadata()
            .withName(d.getMetadata().getName() + "-" + hash)
            .withNamespace(namespace)
            .withLabels(labels)
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion("apps/v1")
                    .withKind("Deployment")
                    .withName(d.getMetadata().getName())
                    .withUid(d.getMetadata().getUid())
                    .withController(true)
                    .build())
            .endMetadata()
            .withNewSpec()
            .withReplicas(0)
            .withNewSelector()
            .withMatchLabels(labels)
            .endSelector()
            .withTemplate(Serialization.clone(d.getSpec().getTemplate()))
            .endSpec()
            .build();
    r.getSpec().getTemplate().getMetadata().getLabels().put(HASH, hash);
    return client.apps().replicaSets().inNamespace(namespace).resource(r).create();
  }

  private void setReplicas(ReplicaSet r, int n) {
    r.getSpec().setReplicas(n);
    client
        .apps()
        .replicaSets()
        .inNamespace(namespace)
        .withName(r.getMetadata().getName())
        .edit(
            x -> {
              x.getSpec().setReplicas(n);
              return x;
            });
  }

  private Map<String, List<Pod>> pods(List<ReplicaSet> sets) {
    Map<String, List<Pod>> out = new HashMap<>();
    for (ReplicaSet r : sets) {
      out.put(r.getMetadata().getName(), new ArrayList<>());
    }
    for (Pod p : client.pods().inNamespace(namespace).list().getItems()) {
      if (p.getMetadata().getDeletionTimestamp() != null
          || p.getMetadata().getOwnerReferences() == null) {
        continue;
      }
      p.getMetadata().getOwnerReferences().stream()
          .map(o -> out.get(o.getName()))
          .filter(Objects::nonNull)
          .findFirst()
          .ifPresent(l -> l.add(p));
    }
    return out;
  }

  private void reconcilePods(Deployment d, ReplicaSet r, List<Pod> pods, Instant now) {
    int want = replicas(r);
    if (pods.size() < want) {
      for (int i = pods.size(); i < want; i++) {
        Pod p =
            new PodBuilder()
                .withNewMetadata()
                .withName(
                    r.getMetadata().getName() + "-" + Integer.toString(36 * 36 * 36 + podSeq++, 36))
                .withNamespace(namespace)
                .withLabels(r.getSpec().getTemplate().getMetadata().getLabels())
                .withAnnotations(r.getSpec().getTemplate().getMetadata().getAnnotations())
                .withCreationTimestamp(Kubelet.ts(now))
                .withOwnerReferences(
                    new OwnerReferenceBuilder()
                        .withApiVersion("apps/v1")
                        .withKind("ReplicaSet")
                        .withName(r.getMetadata().getName())
                        .withUid(r.getMetadata().getUid())
                        .withController(true)
                        .build())
                .endMetadata()
                .withSpec(Serialization.clone(r.getSpec().getTemplate().getSpec()))
                .withNewStatus()
                .withPhase("Pending")
                .endStatus()
                .build();
        client.pods().inNamespace(namespace).resource(p).create();
      }
    } else if (pods.size() > want) {
      // Not-ready pods first, then the newest (the ReplicaSet controller's ranking).
      List<Pod> victims = new ArrayList<>(pods);
      victims.sort(
          Comparator.comparing((Pod p) -> ready(p))
              .thenComparing(p -> p.getMetadata().getName(), Comparator.reverseOrder()));
      for (Pod p : victims.subList(0, pods.size() - want)) {
        client.pods().inNamespace(namespace).withName(p.getMetadata().getName()).delete();
      }
    }
  }

  static boolean ready(Pod p) {
    return p.getStatus() != null
        && p.getStatus().getConditions() != null
        && p.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static int replicas(ReplicaSet r) {
    return r.getSpec().getReplicas() == null ? 0 : r.getSpec().getReplicas();
  }

  private static IntOrString surge(Deployment d) {
    var s = d.getSpec().getStrategy();
    return s == null || s.getRollingUpdate() == null
        ? new IntOrString("25%")
        : s.getRollingUpdate().getMaxSurge();
  }

  private static IntOrString unavailable(Deployment d) {
    var s = d.getSpec().getStrategy();
    return s == null || s.getRollingUpdate() == null
        ? new IntOrString("25%")
        : s.getRollingUpdate().getMaxUnavailable();
  }

  /** Percentages round up for maxSurge and down for maxUnavailable, as upstream does. */
  static int resolve(IntOrString v, int desired, boolean roundUp) {
    if (v == null) {
      return roundUp ? (int) Math.ceil(desired * 0.25) : (int) Math.floor(desired * 0.25);
    }
    if (v.getIntVal() != null) {
      return v.getIntVal();
    }
    String s = v.getStrVal();
    double pct = Double.parseDouble(s.replace("%", "")) / 100.0;
    return roundUp ? (int) Math.ceil(desired * pct) : (int) Math.floor(desired * pct);
  }
}
