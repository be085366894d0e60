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

/**
 * Records Kubernetes Events on a tenant (what {@code kubectl describe kaleemtenant} shows),
 * aggregated the way client-go's event correlator does: a reason and message that repeat on the
 * same tenant bump the {@code count} and {@code lastTimestamp} of its Event (one patch) instead of
 * adding one more object. Callers emit on transitions only (a condition that changed, a write that
 * happened).
 */
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

  /** One recorded Event per tenant, type and reason (bounded: the oldest entries are forgotten). */
  private record Recorded(String name, int count) {}

  private final java.util.Map<String, Recorded> recorded =
      java.util.Collections.synchronizedMap(
          new java.util.LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(java.util.Map.Entry<String, Recorded> e) {
              return size() > 10_000;
            }
          });

  public TenantEvents(KubernetesClient client, MeterRegistry meters) {
    this.client = client;
    this.meters = meters;
    io.micrometer.core.instrument.Gauge.builder(
            io.kaleem.crds.metrics.MetricNames.OPERATOR_EVENTS_QUEUED,
            sender,
            s -> s.getQueue().size() + s.getActiveCount())
        .description("Kubernetes Events queued or being sent")
        .register(meters);
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

  private void count(String type, String reason, String message) {
    if ("Warning".equals(type)) {
      log.warn("event {}: {}", reason, message);
    } else {
      log.info("event {}: {}", reason, message);
    }
    meters
        .counter(io.kaleem.crds.metrics.MetricNames.OPERATOR_EVENTS, "type", type, "reason", reason)
        .increment();
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
    String msg = message.length() > 1000 ? message.substring(0, 1000) : message;
    // client-go's dedup key: same object, type, reason and message. A different message under
    // the same reason is a different fact and keeps its own Event.
    String key = t.getMetadata().getUid() + "|" + type + "|" + reason + "|" + msg;
    Recorded before = recorded.get(key);
    if (before != null) {
      Recorded now2 = new Recorded(before.name(), before.count() + 1);
      recorded.put(key, now2);
      count(type, reason, message);
      sender.execute(
          () -> {
            try {
              client
                  .v1()
                  .events()
                  .inNamespace(ns)
                  .withName(now2.name())
                  .patch(
                      io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                          io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                      io.fabric8.kubernetes.client.utils.Serialization.asJson(
                          java.util.Map.of("count", now2.count(), "lastTimestamp", now)));
            } catch (KubernetesClientException ex) {
              if (ex.getCode() == 404) {
                recorded.remove(key); // expired (events have a TTL): the next one is new
              }
              log.warn("could not update event {}: {}", reason, ex.getMessage());
            }
          });
      return;
    }
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
            .withMessage(msg)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent("kaleem-operator")
            .endSource()
            .withReportingComponent("kaleem-operator")
            .build();
    recorded.put(key, new Recorded(e.getMetadata().getName(), 1));
    count(type, reason, message);
    sender.execute(
        () -> {
          try {
            client.v1().events().inNamespace(ns).resource(e).create();
          } catch (KubernetesClientException ex) {
            recorded.remove(key);
            // An event that cannot be recorded must not fail the reconcile it describes.
            log.warn("could not record event {}: {}", reason, ex.getMessage());
          }
        });
  }
}
