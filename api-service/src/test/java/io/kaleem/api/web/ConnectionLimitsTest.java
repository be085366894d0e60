package io.kaleem.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * {@link NettyConnections} on a bare Reactor Netty server (what the API's server is built from),
 * driven by raw sockets with short limits: idle connections are closed, a client trickling header
 * lines is cut off, keep-alive ends after the configured number of requests, and a request Netty
 * cannot decode is answered with the security headers and the connection closed.
 */
class ConnectionLimitsTest {

  private static final String GET = "GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n";

  private DisposableServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.disposeNow();
    }
  }

  private int start(ConnectionProperties limits) {
    HttpServer http =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .handle(
                (req, res) ->
                    // As WebFlux does (RequestIdFilter): every answer it writes has a request id.
                    res.header("X-Request-Id", "handler")
                        .sendString(
                            req.receive()
                                .aggregate()
                                .asString()
                                .defaultIfEmpty("")
                                .map(b -> "ok")));
    server = new NettyConnections(limits).apply(http).bindNow();
    return server.port();
  }

  private static ConnectionProperties limits(
      Duration idle, Duration header, Duration read, int keepAlive) {
    return new ConnectionProperties(idle, header, read, keepAlive);
  }

  /** Everything the server sends until it closes the connection (or 10 s pass: the test fails). */
  private static String untilClosed(Socket socket) throws IOException {
    socket.setSoTimeout(10_000);
    return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  private static void send(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void anIdleKeepAliveConnectionIsClosed() throws Exception {
    int port = start(limits(Duration.ofMillis(300), Duration.ZERO, Duration.ofSeconds(30), 100));
    try (Socket socket = new Socket("127.0.0.1", port)) {
      send(socket, GET);
      String answer = untilClosed(socket);
      assertThat(answer).startsWith("HTTP/1.1 200").endsWith("ok");
    }
  }

  @Test
  void aClientTricklingHeaderLinesIsCutOff() throws Exception {
    int port =
        start(limits(Duration.ofSeconds(30), Duration.ofMillis(500), Duration.ofSeconds(30), 100));
    try (Socket socket = new Socket("127.0.0.1", port)) {
      send(socket, "GET /hello HTTP/1.1\r\nHost: localhost\r\n");
      boolean cutOff = false;
      // 200 lines, one every 50 ms: 10 s of trickling if nobody stops it.
      for (int i = 0; i < 200 && !cutOff; i++) {
        try {
          send(socket, "X-Line-" + i + ": " + i + "\r\n");
          Thread.sleep(50);
          cutOff = socket.getInputStream().available() < 0;
        } catch (IOException closed) {
          cutOff = true;
        }
      }
      String answer = cutOff ? "" : untilClosed(socket);
      assertThat(answer).doesNotContain("200");
      InputStream in = socket.getInputStream();
      socket.setSoTimeout(10_000);
      try {
        assertThat(in.read()).isEqualTo(-1);
      } catch (IOException reset) {
        // a reset is a closed connection too
      }
    }
  }

  @Test
  void theHeaderDeadlineIsArmedAgainForTheNextRequestOnly() throws Exception {
    int port =
        start(limits(Duration.ofSeconds(30), Duration.ofMillis(500), Duration.ofSeconds(30), 100));
    try (Socket socket = new Socket("127.0.0.1", port)) {
      // Two requests back to back are both answered: the deadline only runs between requests.
      send(socket, GET + GET);
      String answer = untilClosed(socket);
      assertThat(count(answer, "HTTP/1.1 200")).isEqualTo(2);
    }
  }

  @Test
  void keepAliveEndsAfterTheConfiguredNumberOfRequests() throws Exception {
    int port =
        start(limits(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30), 2));
    try (Socket socket = new Socket("127.0.0.1", port)) {
      send(socket, GET + GET + GET);
      String answer = untilClosed(socket);
      assertThat(count(answer, "HTTP/1.1 200")).isEqualTo(2);
      assertThat(answer.toLowerCase()).contains("connection: close");
    }
  }

  @Test
  void aRequestBodyThatStopsArrivingIsCutOff() throws Exception {
    int port =
        start(limits(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMillis(300), 100));
    try (Socket socket = new Socket("127.0.0.1", port)) {
      send(
          socket,
          "POST /hello HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n0123456789");
      String answer = untilClosed(socket);
      assertThat(answer).doesNotContain("HTTP/1.1 200");
    }
  }

  @Test
  void undecodableRequestsAreAnsweredWithTheSecurityHeadersAndTheConnectionClosed()
      throws Exception {
    int port =
        start(limits(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30), 100));
    String[][] cases = {
      {"GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n", "414"},
      {
        "GET /hello HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n", "431"
      },
      {"G(T /hello HTTP/1.1\r\nHost: localhost\r\n\r\n", "400"},
    };
    for (String[] c : cases) {
      // Alone, and after a good request (so it arrives on a kept-alive connection whose answer
      // may still be pending).
      for (String before : new String[] {"", GET}) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
          send(socket, before + c[0]);
          String answer;
          try {
            answer = untilClosed(socket);
          } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError(c[1] + ": no answer, the connection stayed open");
          }
          if (!before.isEmpty()) {
            assertThat(answer).startsWith("HTTP/1.1 200");
          }
          String refusal = answer.substring(answer.lastIndexOf("HTTP/1.1 "));
          assertThat(refusal)
              .as(c[1])
              .startsWith("HTTP/1.1 " + c[1])
              .containsIgnoringCase("x-content-type-options: nosniff")
              .containsIgnoringCase("x-request-id: ")
              .containsIgnoringCase("connection: close");
        }
      }
    }
  }
}
