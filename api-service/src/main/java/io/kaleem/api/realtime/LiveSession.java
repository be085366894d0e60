package io.kaleem.api.realtime;

import io.kaleem.api.security.AuthenticatedUser;
import java.util.EnumSet;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * One authenticated WebSocket connection: who it is, which channels it wants, and its bounded
 * outbound queue. The queue is what back-pressure means here: Reactor Netty stops draining it when
 * the socket stops being writable, so a client that does not read fills it, and the next message
 * that does not fit closes the session instead of buffering more.
 */
final class LiveSession {

  final WebSocketSession socket;
  final AuthenticatedUser user;
  private final Sinks.Many<byte[]> outbound;
  private volatile Set<Channel> channels = EnumSet.allOf(Channel.class);
  private volatile boolean closed;

  LiveSession(WebSocketSession socket, AuthenticatedUser user, int buffer) {
    this.socket = socket;
    this.user = user;
    Queue<byte[]> queue = new ArrayBlockingQueue<>(buffer);
    this.outbound = Sinks.many().unicast().onBackpressureBuffer(queue);
  }

  /**
   * The session's text frames as UTF-8 bytes. A fan-out encodes an event once and every session
   * queues the same array: frames are never written to, only wrapped per connection.
   */
  Flux<byte[]> outbound() {
    return outbound.asFlux();
  }

  boolean wants(Channel c) {
    return channels.contains(c);
  }

  void narrowTo(Set<Channel> wanted) {
    channels = wanted.isEmpty() ? EnumSet.allOf(Channel.class) : EnumSet.copyOf(wanted);
  }

  /**
   * Queues {@code json} (UTF-8); the outcome says whether the queue was full and the session is
   * being closed. Emission is serialised here: the fan-out thread and the session's own replies
   * both offer.
   */
  synchronized Offer offer(byte[] json) {
    if (closed) {
      return Offer.CLOSED;
    }
    Sinks.EmitResult r = outbound.tryEmitNext(json);
    if (r.isSuccess()) {
      return Offer.QUEUED;
    }
    if (r == Sinks.EmitResult.FAIL_OVERFLOW) {
      // The caller aborts the connection; what is queued is released with the session.
      closed = true;
      return Offer.OVERFLOW;
    }
    return Offer.CLOSED;
  }

  synchronized void complete() {
    closed = true;
    outbound.tryEmitComplete();
  }

  enum Offer {
    QUEUED,
    OVERFLOW,
    CLOSED
  }
}
