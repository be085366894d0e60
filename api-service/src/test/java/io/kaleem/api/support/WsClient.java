package io.kaleem.api.support;

import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.http.HttpHeaders;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.resources.ConnectionProvider;

/** A WebSocket client of {@code /ws} that records what it receives and how it was closed. */
public final class WsClient implements AutoCloseable {

  public final List<String> messages = new CopyOnWriteArrayList<>();

  /** Called with each received message as it arrives (benchmarks time them here). */
  public volatile java.util.function.Consumer<String> listener = m -> {};

  private final Sinks.Many<String> outbound = Sinks.many().unicast().onBackpressureBuffer();
  private volatile WebSocketCloseStatus closeStatus;
  private volatile Throwable error;
  private volatile boolean closed;
  private final Disposable connection;

  private WsClient(int port, String authorization) {
    this.connection =
        // One connection per session, outside any pool: a pool's connection limit would queue the
        // thousandth WebSocket of a benchmark behind the others.
        HttpClient.create(ConnectionProvider.newConnection())
            .headers(
                h -> {
                  if (authorization != null) {
                    h.set(HttpHeaders.AUTHORIZATION, authorization);
                  }
                })
            .websocket(WebsocketClientSpec.builder().maxFramePayloadLength(1 << 20).build())
            .uri("ws://127.0.0.1:" + port + "/ws")
            .handle(
                (in, out) -> {
                  in.receiveCloseStatus().subscribe(s -> closeStatus = s);
                  return Flux.merge(
                      in.receive()
                          .asString()
                          .doOnNext(
                              m -> {
                                messages.add(m);
                                listener.accept(m);
                              })
                          .then(),
                      out.sendString(outbound.asFlux()).then());
                })
            .doOnError(e -> error = e)
            .doFinally(s -> closed = true)
            .subscribe(x -> {}, e -> error = e);
  }

  /** Connects with {@code authorization} as the upgrade's Authorization header (null: none). */
  public static WsClient connect(int port, String authorization) {
    return new WsClient(port, authorization);
  }

  public void send(String text) {
    outbound.tryEmitNext(text);
  }

  public boolean isClosed() {
    return closed;
  }

  public WebSocketCloseStatus closeStatus() {
    return closeStatus;
  }

  public Throwable error() {
    return error;
  }

  /** Received messages containing {@code fragment}. */
  public List<String> containing(String fragment) {
    return messages.stream().filter(m -> m.contains(fragment)).toList();
  }

  public boolean ready() {
    return !containing("\"kind\":\"ready\"").isEmpty();
  }

  @Override
  public void close() {
    outbound.tryEmitComplete();
    connection.dispose();
  }
}
