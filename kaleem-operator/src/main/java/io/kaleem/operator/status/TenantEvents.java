package io.kaleem.operator.status;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kaleem.crds.metrics.MetricNames;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Kubernetes Events on a tenant (what {@code kubectl describe kaleemtenant} shows), the way
 * client-go's event recorder does, and never on the reconcile thread:
 *
 * <ul>
 *   <li>Occurrences wait in a {@link CoalescingEventQueue}: one pending Event per (tenant, type,
 *       reason), its count bumped and message replaced in place, so a burst (a fleet created at
 *       once) costs one API request per key, not per occurrence, and the queue cannot overflow.
 *   <li>A sent Event is remembered by (tenant, type, reason, message): the next one with the same
 *       message bumps the {@code count} and {@code lastTimestamp} of that Event (one patch) instead
 *       of adding an object.
 *   <li>Each tenant has a token bucket ({@link ObjectRateLimit}); a tenant over it keeps coalescing
 *       until it has a token, the rest of the fleet is not held up.
 * </ul>
 *
 * Callers emit on transitions only (a condition that changed, a write that happened).
 */
public class TenantEvents implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TenantEvents.class);

  /** client-go's spam filter allows 25 at once; refilled faster (client-go: 1 per 5 min). */
  static final int BURST = 25;

  static final Duration REFILL = Duration.ofSeconds(10);

  /** Distinct keys pending at most: ~10 reasons for each of 2,000 tenants in one burst. */
  static final int MAX_KEYS = 20_000;

  private static final Duration DROP_LOG_INTERVAL = Duration.ofSeconds(30);

  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private final KubernetesClient client;
  private final MeterRegistry meters;
  private final CoalescingEventQueue queue;
  private final EventDrops drops;
  private final Thread sender;
  private volatile boolean closing;

  /** What was sent, to patch instead of create (bounded: the oldest are forgotten). Sender only. */
  private record Recorded(String name, int count) {}

  private final Map<String, Recorded> recorded =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Recorded> e) {
          return size() > MAX_KEYS;
        }
      };

  public TenantEvents(KubernetesClient client, MeterRegistry meters) {
    this(client, meters, BURST, REFILL, MAX_KEYS);
  }

  TenantEvents(
      KubernetesClient client, MeterRegistry meters, int burst, Duration refill, int maxKeys) {
    this.client = client;
    this.meters = meters;
    this.queue = new CoalescingEventQueue(maxKeys, new ObjectRateLimit(burst, refill.toNanos()));
    this.drops = new EventDrops(meters, DROP_LOG_INTERVAL.toNanos());
    Gauge.builder(MetricNames.OPERATOR_EVENTS_QUEUED, this, TenantEvents::queued)
        .description("Kubernetes Events pending (one per tenant, type and reason) or being sent")
        .register(meters);
    this.sender = new Thread(this::sendLoop, "event-recorder");
    sender.setDaemon(true);
    sender.start();
  }

  /** Events pending or being sent. */
  double queued() {
    return queue.size();
  }

  public void normal(KaleemTenant t, String reason, String message) {
    emit(t, "Normal", reason, message);
  }

  public void warning(KaleemTenant t, String reason, String message) {
    emit(t, "Warning", reason, message);
  }

  private void emit(KaleemTenant t, String type, String reason, String message) {
    if ("Warning".equals(type)) {
      log.warn("event {}: {}", reason, message);
    } else {
      log.info("event {}: {}", reason, message);
    }
    meters.counter(MetricNames.OPERATOR_EVENTS, "type", type, "reason", reason).increment();
    String msg = message.length() > 1000 ? message.substring(0, 1000) : message;
    ObjectReference ref =
        new ObjectReferenceBuilder()
            .withApiVersion(t.getApiVersion())
            .withKind(t.getKind())
            .withName(t.getMetadata().getName())
            .withNamespace(t.getMetadata().getNamespace())
            .withUid(t.getMetadata().getUid())
            .withResourceVersion(t.getMetadata().getResourceVersion())
            .build();
    var key = new CoalescingEventQueue.Key(t.getMetadata().getUid(), type, reason);
    if (closing || !queue.offer(key, ref, msg, now())) {
      drops.drop(closing ? EventDrops.SHUTDOWN : EventDrops.FULL, 1, null);
    }
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private void sendLoop() {
    while (true) {
      CoalescingEventQueue.Pending p;
      try {
        p = queue.take(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        return; // close() gave up waiting; what is left is counted there
      }
      if (p == null) {
        drops.logIfDue(System.nanoTime());
        if (closing) {
          return;
        }
        continue;
      }
      try {
        send(p);
      } catch (RuntimeException e) {
        // An Event that cannot be recorded must not fail the reconcile it describes, nor stop
        // the sender: counted, and logged once per interval.
        drops.drop(EventDrops.ERROR, p.count, p.key.reason() + ": " + e.getMessage());
      } finally {
        queue.done();
      }
    }
  }

  private void send(CoalescingEventQueue.Pending p) {
    String ns = p.object.getNamespace();
    String message = p.sentMessage();
    // client-go's dedup key: same object, type, reason and message. A different message under
    // the same reason is a different fact and keeps its own Event.
    String sentKey = p.key.uid() + "|" + p.key.type() + "|" + p.key.reason() + "|" + message;
    Recorded before = recorded.get(sentKey);
    if (before != null) {
      int count = before.count() + p.count;
      try {
        client
            .v1()
            .events()
            .inNamespace(ns)
            .withName(before.name())
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                Serialization.asJson(Map.of("count", count, "lastTimestamp", p.lastTimestamp)));
        recorded.put(sentKey, new Recorded(before.name(), count));
        return;
      } catch (KubernetesClientException ex) {
        recorded.remove(sentKey);
        if (ex.getCode() != 404) {
          throw ex;
        }
        // expired (Events have a TTL): this one is new
      }
    }
    Event e =
        new EventBuilder()
            .withNewMetadata()
            .withNamespace(ns)
            .withName(p.object.getName() + "." + UUID.randomUUID().toString().substring(0, 13))
            .endMetadata()
            .withInvolvedObject(p.object)
            .withType(p.key.type())
            .withReason(p.key.reason())
            .withMessage(message)
            .withFirstTimestamp(p.firstTimestamp)
            .withLastTimestamp(p.lastTimestamp)
            .withCount(p.count)
            .withNewSource()
            .withComponent("kaleem-operator")
            .endSource()
            .withReportingComponent("kaleem-operator")
            .build();
    client.v1().events().inNamespace(ns).resource(e).create();
    recorded.put(sentKey, new Recorded(e.getMetadata().getName(), p.count));
  }

  /** Sends what is pending (bounded wait), then stops; what is left is counted as dropped. */
  @Override
  public void close() {
    closing = true;
    queue.close();
    try {
      sender.join(CLOSE_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sender.interrupt();
    int left = queue.clear();
    if (left > 0) {
      drops.drop(EventDrops.SHUTDOWN, left, null);
    }
    drops.flush();
  }
}
