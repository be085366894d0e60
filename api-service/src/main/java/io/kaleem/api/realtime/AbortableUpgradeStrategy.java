package io.kaleem.api.realtime;

import io.kaleem.api.observability.RequestContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.adapter.ReactorNettyWebSocketSession;
import org.springframework.web.reactive.socket.server.RequestUpgradeStrategy;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * Reactor Netty's WebSocket upgrade, as Spring's {@code ReactorNettyRequestUpgradeStrategy} does
 * it, plus one thing the session does not offer: aborting the TCP connection. A polite close sends
 * a close frame and waits for it to be written, which never happens for a client that stopped
 * reading (its receive window is full); {@link #abort} drops the connection at once, freeing what
 * Netty had queued for it.
 */
final class AbortableUpgradeStrategy implements RequestUpgradeStrategy {

  private static final String CONNECTION = AbortableUpgradeStrategy.class.getName() + ".connection";

  private final WebsocketServerSpec spec;

  AbortableUpgradeStrategy(int maxFramePayloadLength) {
    this.spec =
        WebsocketServerSpec.builder()
            .maxFramePayloadLength(maxFramePayloadLength)
            .handlePing(false)
            .build();
  }

  @Override
  public Mono<Void> upgrade(
      ServerWebExchange exchange,
      WebSocketHandler handler,
      @Nullable String subProtocol,
      Supplier<HandshakeInfo> handshakeInfoFactory) {
    ServerHttpResponse response = exchange.getResponse();
    HttpServerResponse reactorResponse = ServerHttpResponseDecorator.getNativeResponse(response);
    HandshakeInfo given = handshakeInfoFactory.get();
    // The session's own attributes: the caller the security filter verified from the upgrade's
    // Authorization header (an exchange attribute, which Spring would not carry over), and the
    // connection for abort().
    Map<String, Object> attributes = new ConcurrentHashMap<>(given.getAttributes());
    Object caller = exchange.getAttribute(RequestContext.CALLER);
    if (caller != null) {
      attributes.put(RequestContext.CALLER, caller);
    }
    HandshakeInfo info =
        new HandshakeInfo(
            given.getUri(),
            given.getHeaders(),
            given.getCookies(),
            given.getPrincipal(),
            given.getSubProtocol(),
            given.getRemoteAddress(),
            attributes,
            given.getLogPrefix());
    NettyDataBufferFactory buffers = (NettyDataBufferFactory) response.bufferFactory();
    WebsocketServerSpec.Builder builder =
        WebsocketServerSpec.builder()
            .maxFramePayloadLength(spec.maxFramePayloadLength())
            .handlePing(spec.handlePing());
    if (subProtocol != null) {
      builder.protocols(subProtocol);
    }
    WebsocketServerSpec negotiated = builder.build();
    return response
        .setComplete()
        .then(
            Mono.defer(
                () ->
                    reactorResponse.sendWebsocket(
                        (in, out) -> {
                          in.withConnection(c -> attributes.put(CONNECTION, c));
                          WebSocketSession session =
                              new ReactorNettyWebSocketSession(
                                  in, out, info, buffers, negotiated.maxFramePayloadLength());
                          return handler.handle(session);
                        },
                        negotiated)));
  }

  /** Drops the session's TCP connection without a closing handshake. */
  static void abort(WebSocketSession session) {
    if (session.getAttributes().get(CONNECTION) instanceof Connection c) {
      c.dispose();
    } else {
      session.close().subscribe();
    }
  }
}
