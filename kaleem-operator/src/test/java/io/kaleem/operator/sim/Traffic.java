package io.kaleem.operator.sim;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Production requests sent to a Service, as kube-proxy routes them: to the Service's endpoints, the
 * ready pods its selector matches. A request finding no endpoint is dropped. Requests are sent at
 * every simulation step and at every change of the Service (a selector switch is checked the moment
 * it is written), and counted per revision that served them.
 */
public final class Traffic implements AutoCloseable {

  private final KubernetesClient client;
  private final String namespace;
  private final String service;
  public final AtomicLong served = new AtomicLong();
  public final AtomicLong dropped = new AtomicLong();
  public final Map<String, AtomicLong> byRevision = new ConcurrentHashMap<>();
  private final Watch watch;

  public Traffic(KubernetesClient client, String namespace, String service) {
    this.client = client;
    this.namespace = namespace;
    this.service = service;
    this.watch =
        client
            .services()
            .inNamespace(namespace)
            .withName(service)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Service s) {
                    if (action == Action.MODIFIED || action == Action.ADDED) {
                      send(s, 1);
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
  }

  /** Sends {@code n} requests through the Service as it is now. */
  public void send(int n) {
    Service s = client.services().inNamespace(namespace).withName(service).get();
    if (s != null) {
      send(s, n);
    }
  }

  private void send(Service s, int n) {
    Map<String, String> selector = s.getSpec().getSelector();
    var ready =
        client.pods().inNamespace(namespace).withLabels(selector).list().getItems().stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
            .filter(DeploymentController::ready)
            .toList();
    if (ready.isEmpty()) {
      dropped.addAndGet(n);
      return;
    }
    served.addAndGet(n);
    for (int i = 0; i < n; i++) {
      Pod p = ready.get(i % ready.size());
      byRevision
          .computeIfAbsent(
              p.getMetadata().getLabels().get("kaleem.io/revision"), k -> new AtomicLong())
          .incrementAndGet();
    }
  }

  public long servedBy(String revision) {
    AtomicLong n = byRevision.get(revision);
    return n == null ? 0 : n.get();
  }

  @Override
  public void close() {
    watch.close();
  }
}
