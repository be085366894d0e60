package io.kaleem.operator.sim;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.Map;

/**
 * The horizontal pod autoscaler controller for CPU utilization targets: {@code desired =
 * ceil(current × currentUtilization / targetUtilization)}, skipped within the 10 % tolerance,
 * clamped to [minReplicas, maxReplicas], written to the target Deployment's {@code spec.replicas}
 * (which bumps its generation, as the scale subresource does). Utilization is what the test says
 * the pods use.
 */
public final class Autoscaler {

  private final KubernetesClient client;
  private final String namespace;
  private final Map<String, Integer> utilization = new HashMap<>();

  public Autoscaler(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /**
   * The Deployment's pods use {@code percent} CPU on average now; the load is constant, so once the
   * HPA adds pods each one uses proportionally less.
   */
  public synchronized void utilization(String deployment, int percent) {
    var d = client.apps().deployments().inNamespace(namespace).withName(deployment).get();
    int replicas = d == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    utilization.put(deployment, percent * replicas);
  }

  private static int goalOf(HorizontalPodAutoscaler h) {
    return h.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization();
  }

  public synchronized void step() {
    for (HorizontalPodAutoscaler h :
        client
            .autoscaling()
            .v2()
            .horizontalPodAutoscalers()
            .inNamespace(namespace)
            .list()
            .getItems()) {
      String target = h.getSpec().getScaleTargetRef().getName();
      Integer used = utilization.get(target);
      var d = client.apps().deployments().inNamespace(namespace).withName(target).get();
      if (d == null) {
        continue;
      }
      // The API server defaults an unset replicas to 1; the HPA then holds it within its bounds.
      int current = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
      // utilization holds the total demand (percent of one pod's request); spread over the pods.
      int usedPerPod = used == null ? goalOf(h) : (int) Math.round((double) used / current);
      int goal = goalOf(h);
      double ratio = (double) usedPerPod / goal;
      int desired = Math.abs(ratio - 1.0) <= 0.1 ? current : (int) Math.ceil(current * ratio);
      desired =
          Math.max(h.getSpec().getMinReplicas(), Math.min(h.getSpec().getMaxReplicas(), desired));
      if (desired != current || d.getSpec().getReplicas() == null) {
        int n = desired;
        client
            .apps()
            .deployments()
            .inNamespace(namespace)
            .withName(target)
            .edit(
                x -> {
                  x.getSpec().setReplicas(n);
                  return x;
                });
      }
    }
  }
}
