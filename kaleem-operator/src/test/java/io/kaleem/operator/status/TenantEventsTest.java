package io.kaleem.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kaleem.crds.metrics.MetricNames;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TenantEvents against the fabric8 mock API server (CRUD), whose Event requests the test can hold
 * (a gate: the API server is as slow as the test wants) or fail.
 */
class TenantEventsTest {

  private static final String NS = "shop";

  /** Event requests wait here while the gate is closed; 500 while {@code failing}. */
  private static final class EventGate extends KubernetesCrudDispatcher {
    volatile CountDownLatch gate = new CountDownLatch(0);
    volatile boolean failing;
    final AtomicInteger eventRequests = new AtomicInteger();

    EventGate() {
      super(List.of());
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      if (request.getPath().contains("/events") && !"GET".equals(request.getMethod())) {
        eventRequests.incrementAndGet();
        try {
          gate.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        if (failing) {
          return new MockResponse().setResponseCode(500).setBody("{}");
        }
      }
      return super.dispatch(request);
    }
  }

  private final EventGate api = new EventGate();
  private KubernetesMockServer server;
  private KubernetesClient client;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @BeforeEach
  void start() {
    server =
        new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), api, false);
    server.init();
    // Without the client's own retries (up to 10, backing off from 100 ms, on a 5xx): a failed
    // request fails here at once, which is what the failure test is about.
    client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(server.createClient().getConfiguration())
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build();
  }

  @AfterEach
  void stop() {
    api.gate.countDown();
    client.close();
    server.destroy();
  }

  private static KaleemTenant tenant(int i) {
    KaleemTenant t = new KaleemTenant();
    t.getMetadata().setName("t" + i);
    t.getMetadata().setNamespace(NS);
    t.getMetadata().setUid("uid-" + i);
    return t;
  }

  private List<Event> events() {
    return client.v1().events().inNamespace(NS).list().getItems();
  }

  private double queued() {
    return meters.find(MetricNames.OPERATOR_EVENTS_QUEUED).gauge().value();
  }

  private double dropped(String cause) {
    var c = meters.find(MetricNames.OPERATOR_EVENTS_DROPPED).tag("cause", cause).counter();
    return c == null ? 0 : c.count();
  }

  private void awaitQueued(double n) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> queued() == n);
  }

  private static final String[] REASONS = {"Created", "Progressing", "Unreachable"};

  @Test
  void aBurstSendsOneEventPerTenantAndReasonWithTheCountsOfAllItsOccurrences() {
    int tenants = 40;
    int perKey = 25;
    try (TenantEvents events = new TenantEvents(client, meters)) {
      api.gate = new CountDownLatch(1);
      // The API server answers nothing until the gate opens: every emit below returns while the
      // sender is stuck on its first request, so none of them waited for the API server.
      for (int n = 0; n < perKey; n++) {
        for (int i = 0; i < tenants; i++) {
          for (String reason : REASONS) {
            if (reason.equals("Unreachable")) {
              events.warning(tenant(i), reason, "timeout");
            } else {
              events.normal(tenant(i), reason, reason.toLowerCase() + " " + (n % 2));
            }
          }
        }
      }
      assertThat(api.gate.getCount()).isEqualTo(1);
      assertThat(api.eventRequests.get()).isLessThanOrEqualTo(1);
      // one pending entry per key, and at most one more taken by the sender before the burst
      assertThat(queued()).isLessThanOrEqualTo(tenants * REASONS.length + 1);
      api.gate.countDown();
      awaitQueued(0);
    }
    List<Event> sent = events();
    assertThat(api.eventRequests.get()).isLessThanOrEqualTo(tenants * REASONS.length + 1);
    Map<String, Integer> counts =
        sent.stream()
            .collect(
                Collectors.groupingBy(
                    e -> e.getInvolvedObject().getUid() + "|" + e.getReason(),
                    Collectors.summingInt(Event::getCount)));
    assertThat(counts).hasSize(tenants * REASONS.length);
    assertThat(counts.values()).allMatch(c -> c == perKey);
    // Occurrences with differing messages that were folded say so, with the latest message.
    assertThat(sent)
        .filteredOn(e -> e.getReason().equals("Created") && e.getCount() > 1)
        .allMatch(e -> e.getMessage().equals("(combined from similar events): created 0"));
    assertThat(sent)
        .filteredOn(e -> e.getReason().equals("Unreachable"))
        .allMatch(e -> e.getMessage().equals("timeout") && e.getType().equals("Warning"));
    assertThat(dropped(EventDrops.FULL) + dropped(EventDrops.ERROR)).isZero();
  }

  @Test
  void aRepeatedMessageBumpsTheCountOfItsEventAndANewMessageIsANewEvent() {
    try (TenantEvents events = new TenantEvents(client, meters)) {
      events.warning(tenant(1), "Unreachable", "timeout");
      awaitQueued(0);
      events.warning(tenant(1), "Unreachable", "timeout");
      awaitQueued(0);
      events.warning(tenant(1), "Unreachable", "connection refused");
      awaitQueued(0);
    }
    Map<String, Integer> byMessage =
        events().stream().collect(Collectors.toMap(Event::getMessage, Event::getCount));
    assertThat(byMessage).isEqualTo(Map.of("timeout", 2, "connection refused", 1));
    assertThat(api.eventRequests.get()).isEqualTo(3); // create, patch, create
  }

  @Test
  void anApiServerThatFailsEventsCostsThemCountedButNeitherBlocksNorStopsTheSender() {
    try (TenantEvents events = new TenantEvents(client, meters)) {
      api.failing = true;
      for (int n = 0; n < 10; n++) {
        for (int i = 0; i < 5; i++) {
          events.normal(tenant(i), "Created", "created");
        }
      }
      awaitQueued(0);
      // Every occurrence is accounted for, whether folded before its request or not.
      assertThat(dropped(EventDrops.ERROR)).isEqualTo(50);
      assertThat(api.eventRequests.get()).isBetween(5, 50);
      api.failing = false;
      events.normal(tenant(9), "Created", "created");
      awaitQueued(0);
    }
    assertThat(events()).extracting(e -> e.getInvolvedObject().getName()).containsExactly("t9");
  }

  @Test
  void aTenantOverItsRateLimitWaitsAndKeepsFoldingWhileTheOthersAreSent() {
    // burst 2, and no refill within the test
    TenantEvents events = new TenantEvents(client, meters, 2, Duration.ofHours(1), 100);
    try {
      api.gate = new CountDownLatch(1);
      for (String reason : List.of("A", "B", "C", "D")) {
        events.normal(tenant(1), reason, "x");
      }
      events.normal(tenant(1), "C", "x");
      events.normal(tenant(2), "A", "x");
      api.gate.countDown();
      // t1's A and B are sent; C and D wait for a token, t2 is not held up behind them.
      awaitQueued(2);
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> events().stream().anyMatch(e -> e.getInvolvedObject().getName().equals("t2")));
      assertThat(events())
          .filteredOn(e -> e.getInvolvedObject().getName().equals("t1"))
          .extracting(Event::getReason)
          .containsExactlyInAnyOrder("A", "B");
    } finally {
      events.close();
    }
    // C (2 occurrences) and D were still waiting when the recorder stopped.
    assertThat(dropped(EventDrops.SHUTDOWN)).isEqualTo(3);
  }

  @Test
  void newKeysBeyondTheBoundAreDroppedAndCounted() {
    TenantEvents events = new TenantEvents(client, meters, 25, Duration.ofSeconds(10), 3);
    try {
      api.gate = new CountDownLatch(1);
      events.normal(tenant(0), "A", "x");
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> api.eventRequests.get() == 1);
      // The sender holds t0's A; three keys fit, a fourth does not, a known key still folds.
      for (int i = 1; i <= 4; i++) {
        events.normal(tenant(i), "A", "x");
      }
      events.normal(tenant(1), "A", "x");
      assertThat(dropped(EventDrops.FULL)).isEqualTo(1);
      api.gate.countDown();
      awaitQueued(0);
    } finally {
      events.close();
    }
    assertThat(events().stream().mapToInt(Event::getCount).sum()).isEqualTo(5);
  }
}
