package io.kaleem.operator.status;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Records Kubernetes Events on a tenant (what {@code kubectl describe kaleemtenant} shows). */
public class TenantEvents implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TenantEvents.class);

  private final KubernetesClient client;
  private final MeterRegistry meters;

  /** Events are recorded off the reconcile thread: they must never slow a reconcile down. */
  private final java.util.concurrent.ThreadPoolExecutor sender =
      new java.util.concurrent.ThreadPoolExecutor(
          1,
          2,
          30,
          java.util.concurrent.TimeUnit.SECONDS,
          new java.util.concurrent.ArrayBlockingQueue<>(10_000),
          r -> {
            Thread th = new Thread(r, "event-recorder");
            th.setDaemon(true);
            return th;
          },
          (r, pool) -> log.warn("event queue full: an event was dropped"));

  public TenantEvents(KubernetesClient client, MeterRegistry meters) {
    this.client = client;
    this.meters = meters;
  }

  /** Sends what is queued (bounded wait), then stops. */
  @Override
  public void close() {
    sender.shutdown();
    try {
      sender.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public void normal(KaleemTenant t, String reason, String message) {
    emit(t, "Normal", reason, message);
  }

  public void warning(KaleemTenant t, String reason, String message) {
    emit(t, "Warning", reason, message);
  }

  private void emit(KaleemTenant t, String type, String reason, String message) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    String ns = t.getMetadata().getNamespace();
    Event e =
        new EventBuilder()
            .withNewMetadata()
            .withNamespace(ns)
            .withName(
                t.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 13))
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(t.getApiVersion())
                    .withKind(t.getKind())
                    .withName(t.getMetadata().getName())
                    .withNamespace(ns)
                    .withUid(t.getMetadata().getUid())
                    .withResourceVersion(t.getMetadata().getResourceVersion())
                    .build())
            .withType(type)
            .withReason(reason)
            .withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent("kaleem-operator")
            .endSource()
            .withReportingComponent("kaleem-operator")
            .build();
    if ("Warning".equals(type)) {
      log.warn("event {}: {}", reason, message);
    } else {
      log.info("event {}: {}", reason, message);
    }
    meters.counter("kaleem_operator_events_total", "type", type, "reason", reason).increment();
    sender.execute(
        () -> {
          try {
            client.v1().events().inNamespace(ns).resource(e).create();
          } catch (KubernetesClientException ex) {
            // An event that cannot be recorded must not fail the reconcile it describes.
            log.warn("could not record event {}: {}", reason, ex.getMessage());
          }
        });
  }
}
