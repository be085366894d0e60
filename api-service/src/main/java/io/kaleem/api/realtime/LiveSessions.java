package io.kaleem.api.realtime;

import io.kaleem.api.messaging.EventEnvelope;
import io.kaleem.api.messaging.EventType;
import io.kaleem.api.security.AuthenticatedUser;
import io.kaleem.api.security.Role;
import io.kaleem.crds.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * This replica's open WebSocket sessions, indexed by who may see what: every session under its user
 * ({@code u:<userId>}), owner and staff sessions also under their merchant ({@code
 * m:<merchantId>}). An event goes to its merchant's sessions and, for orders and tickets, to the
 * sessions of the customer it belongs to; nothing reaches a session by any other path, so a client
 * never receives another merchant's events.
 */
@Component
class LiveSessions {

  static final String GATEWAY = "live";

  private final Map<String, Set<LiveSession>> byAudience = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> perUser = new ConcurrentHashMap<>();
  private final AtomicInteger authenticated = new AtomicInteger();
  private final AtomicInteger anonymous = new AtomicInteger();
  private final Counter sent;
  private final Counter droppedSlow;
  private final int maxPerUser;

  LiveSessions(MeterRegistry meters, RealtimeProperties props) {
    this.maxPerUser = props.maxConnectionsPerUser();
    gauge(meters, "true", authenticated);
    gauge(meters, "false", anonymous);
    this.sent =
        Counter.builder(MetricNames.WEBSOCKET_MESSAGES_SENT)
            .tag(MetricNames.LABEL_GATEWAY, GATEWAY)
            .register(meters);
    this.droppedSlow =
        Counter.builder(MetricNames.WEBSOCKET_MESSAGES_DROPPED)
            .tag(MetricNames.LABEL_GATEWAY, GATEWAY)
            .tag(MetricNames.LABEL_REASON, "slow_client")
            .register(meters);
  }

  private static void gauge(MeterRegistry meters, String authenticated, AtomicInteger value) {
    Gauge.builder(MetricNames.WEBSOCKET_CONNECTIONS_ACTIVE, value, AtomicInteger::get)
        .tag(MetricNames.LABEL_GATEWAY, GATEWAY)
        .tag(MetricNames.LABEL_AUTHENTICATED, authenticated)
        .description("Open WebSocket sessions")
        .register(meters);
  }

  /** A connection was upgraded; it is anonymous until it authenticates. */
  void opened() {
    anonymous.incrementAndGet();
  }

  /** A connection that never authenticated went away. */
  void closedAnonymous() {
    anonymous.decrementAndGet();
  }

  /** Takes one of the user's connection slots; false when they have them all. */
  boolean admit(AuthenticatedUser user) {
    AtomicInteger n = perUser.computeIfAbsent(user.userId(), k -> new AtomicInteger());
    if (n.incrementAndGet() > maxPerUser) {
      n.decrementAndGet();
      return false;
    }
    return true;
  }

  /** Registers an admitted session (it was counted as anonymous until now). */
  void add(LiveSession s) {
    anonymous.decrementAndGet();
    authenticated.incrementAndGet();
    for (String a : audiences(s.user)) {
      byAudience.computeIfAbsent(a, k -> ConcurrentHashMap.newKeySet()).add(s);
    }
  }

  /** Removes a registered session and frees its user's slot. */
  void remove(LiveSession s) {
    boolean removed = false;
    for (String a : audiences(s.user)) {
      Set<LiveSession> set = byAudience.get(a);
      if (set != null) {
        removed |= set.remove(s);
        if (set.isEmpty()) {
          byAudience.remove(a, set);
        }
      }
    }
    if (removed) {
      authenticated.decrementAndGet();
      release(s.user);
    }
  }

  /** Frees a slot taken by {@link #admit} for a session that was never added. */
  void release(AuthenticatedUser user) {
    AtomicInteger n = perUser.get(user.userId());
    if (n != null && n.decrementAndGet() <= 0) {
      perUser.remove(user.userId(), n);
    }
  }

  int size() {
    return authenticated.get();
  }

  private static Set<String> audiences(AuthenticatedUser u) {
    if ((u.is(Role.MERCHANT_OWNER) || u.is(Role.MERCHANT_STAFF)) && u.merchantId() != null) {
      return Set.of("u:" + u.userId(), "m:" + u.merchantId());
    }
    return Set.of("u:" + u.userId());
  }

  /** Pushes {@code event} (whose wire form is {@code json}) to every session allowed to see it. */
  void dispatch(EventEnvelope event, String json) {
    EventType type = EventType.of(event.type());
    if (type == null || event.merchantId() == null) {
      return;
    }
    Channel channel = Channel.of(type);
    // Encoded once per event: every session's frame shares these bytes.
    byte[] message =
        ("{\"kind\":\"event\",\"event\":" + json + "}").getBytes(StandardCharsets.UTF_8);
    switch (type.aggregate()) {
      case NOTIFICATION -> {
        String recipient = event.text("recipientUserId");
        if (recipient == null) {
          deliver("m:" + event.merchantId(), channel, message);
        } else {
          deliverTo(recipient, event.merchantId(), channel, message);
        }
      }
      case ORDER, TICKET -> {
        deliver("m:" + event.merchantId(), channel, message);
        String customer = event.text("customerId");
        if (customer != null) {
          deliverToCustomer(customer, channel, message);
        }
      }
      case PRODUCT, MERCHANT -> deliver("m:" + event.merchantId(), channel, message);
    }
  }

  private void deliver(String audience, Channel channel, byte[] message) {
    Set<LiveSession> sessions = byAudience.get(audience);
    if (sessions == null) {
      return;
    }
    for (LiveSession s : sessions) {
      if (s.wants(channel)) {
        offer(s, message);
      }
    }
  }

  /** A notification for one user: theirs only if they belong to its merchant or are its agent. */
  private void deliverTo(String userId, String merchantId, Channel channel, byte[] message) {
    Set<LiveSession> sessions = byAudience.get("u:" + userId);
    if (sessions == null) {
      return;
    }
    for (LiveSession s : sessions) {
      boolean merchantUser = merchantId.equals(s.user.merchantId());
      if ((merchantUser || s.user.is(Role.SUPPORT_AGENT)) && s.wants(channel)) {
        offer(s, message);
      }
    }
  }

  private void deliverToCustomer(String customerId, Channel channel, byte[] message) {
    Set<LiveSession> sessions = byAudience.get("u:" + customerId);
    if (sessions == null) {
      return;
    }
    for (LiveSession s : sessions) {
      if (s.user.is(Role.CUSTOMER) && s.wants(channel)) {
        offer(s, message);
      }
    }
  }

  /** Queues a reply for one session; a session whose queue is full is dropped. */
  void offer(LiveSession s, String message) {
    offer(s, message.getBytes(StandardCharsets.UTF_8));
  }

  /** Queues a message (UTF-8) for one session; a session whose queue is full is dropped. */
  void offer(LiveSession s, byte[] message) {
    switch (s.offer(message)) {
      case QUEUED -> {}
      case OVERFLOW -> {
        droppedSlow.increment();
        remove(s);
        AbortableUpgradeStrategy.abort(s.socket);
      }
      case CLOSED -> {}
    }
  }

  /** Counts a message the socket accepted. */
  void sent() {
    sent.increment();
  }
}
