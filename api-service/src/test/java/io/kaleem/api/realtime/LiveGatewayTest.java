package io.kaleem.api.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kaleem.api.security.Role;
import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.CommerceFixtures;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.Tokens;
import io.kaleem.api.support.WsClient;
import io.kaleem.crds.metrics.MetricNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The /ws gateway's authentication, limits and bad input, on the real server. */
@ApiTest
// A fresh context: the relay drains a context's outbox oldest first, so events that earlier classes
// left in a shared cached context queue ahead of this class's (and on the in-process MongoDB-wire
// server every relay round scans the outbox, docs/MESSAGING.md): under load the full suite missed
// the 30 s wait with a shared context.
@DirtiesContext(classMode = DirtiesContext.ClassMode.BEFORE_CLASS)
class LiveGatewayTest {

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;
  @Autowired Tokens tokens;
  @Autowired LiveSessions sessions;
  @Autowired RealtimeProperties cfg;
  @Autowired MeterRegistry meters;
  @LocalServerPort int port;

  Fixtures fixtures;
  String merchant;

  @BeforeEach
  void setUp() {
    http = http.mutate().responseTimeout(Duration.ofSeconds(60)).build();
    fixtures = new Fixtures(http, mongo);
    merchant = fixtures.merchant();
  }

  @Test
  void aBadTokenInTheHeaderIsRefusedBeforeTheUpgrade() {
    try (WsClient c = WsClient.connect(port, "Bearer not.a.token")) {
      await().atMost(Duration.ofSeconds(20)).until(c::isClosed);
      assertThat(c.error()).isInstanceOf(WebSocketClientHandshakeException.class);
      assertThat(((WebSocketClientHandshakeException) c.error()).response().status().code())
          .isEqualTo(401);
      assertThat(c.messages).isEmpty();
    }
  }

  @Test
  void aBadTokenInTheFirstMessageClosesThePolicyWay() {
    try (WsClient c = WsClient.connect(port, null)) {
      c.send("{\"type\":\"auth\",\"token\":\"forged\"}");
      await().atMost(Duration.ofSeconds(20)).until(c::isClosed);
      assertThat(c.closeStatus().code()).isEqualTo(1008);
      assertThat(c.closeStatus().reasonText()).isEqualTo("invalid token");
      assertThat(c.messages).isEmpty();
    }
  }

  @Test
  void aTokenInTheFirstMessageAuthenticatesABrowserStyleClient() {
    String owner = tokens.owner(merchant).token();
    try (WsClient c = WsClient.connect(port, null)) {
      c.send("{\"type\":\"auth\",\"token\":\"" + owner + "\"}");
      await().atMost(Duration.ofSeconds(20)).until(c::ready);
      assertThat(c.containing("\"merchantId\":\"" + merchant + "\"")).hasSize(1);
      c.send("{\"type\":\"ping\"}");
      await().atMost(Duration.ofSeconds(20)).until(() -> !c.containing("pong").isEmpty());
    }
  }

  @Test
  void anOversizedMessageClosesThatSessionOnly() {
    try (WsClient big = WsClient.connect(port, tokens.owner(merchant).bearer());
        WsClient fine = WsClient.connect(port, tokens.owner(merchant).bearer())) {
      await().atMost(Duration.ofSeconds(20)).until(() -> big.ready() && fine.ready());
      big.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(cfg.maxMessageBytes() + 1) + "\"}");
      await().atMost(Duration.ofSeconds(20)).until(big::isClosed);
      assertThat(big.closeStatus().code()).isEqualTo(1009);
      fine.send("{\"type\":\"ping\"}");
      await().atMost(Duration.ofSeconds(20)).until(() -> !fine.containing("pong").isEmpty());
      assertThat(fine.isClosed()).isFalse();
    }
  }

  @Test
  void malformedMessagesUnknownChannelsAndAnotherMerchantsChannelCloseTheSession() {
    String bearer = tokens.owner(merchant).bearer();
    record Case(String message, int code, String reason) {}
    List<Case> cases =
        List.of(
            new Case("not json", 1007, "malformed message"),
            new Case(
                "{\"type\":\"subscribe\",\"channels\":[\"payroll\"]}", 1008, "unknown channel"),
            new Case(
                "{\"type\":\"subscribe\",\"merchantId\":\""
                    + new ObjectId().toHexString()
                    + "\",\"channels\":[\"orders\"]}",
                1008,
                "not your merchant"));
    for (Case k : cases) {
      try (WsClient c = WsClient.connect(port, bearer)) {
        await().atMost(Duration.ofSeconds(20)).until(c::ready);
        c.send(k.message());
        await().atMost(Duration.ofSeconds(20)).until(c::isClosed);
        assertThat(c.closeStatus().code()).as(k.message()).isEqualTo(k.code());
        assertThat(c.closeStatus().reasonText()).as(k.message()).isEqualTo(k.reason());
      }
    }
  }

  @Test
  void aUserHoldsAtMostTheConfiguredNumberOfConnections() {
    var owner = tokens.owner(merchant);
    List<WsClient> open = new ArrayList<>();
    try {
      for (int i = 0; i < cfg.maxConnectionsPerUser(); i++) {
        WsClient c = WsClient.connect(port, owner.bearer());
        open.add(c);
        await().atMost(Duration.ofSeconds(20)).until(c::ready);
      }
      try (WsClient extra = WsClient.connect(port, owner.bearer())) {
        await().atMost(Duration.ofSeconds(20)).until(extra::isClosed);
        assertThat(extra.closeStatus().code()).isEqualTo(1008);
        assertThat(extra.closeStatus().reasonText()).isEqualTo("too many connections");
      }
      open.get(0).close();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                try (WsClient again = WsClient.connect(port, owner.bearer())) {
                  long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                  while (!again.ready() && !again.isClosed() && System.nanoTime() < until) {
                    Thread.sleep(50);
                  }
                  return again.ready();
                }
              });
    } finally {
      open.forEach(WsClient::close);
    }
  }

  @Test
  void aStalledClientIsDisconnectedAndItsQueueReleased() throws Exception {
    var owner = tokens.owner(merchant);
    double droppedBefore = dropped();
    try (Socket raw = new Socket("127.0.0.1", port)) {
      raw.setReceiveBufferSize(4096);
      OutputStream out = raw.getOutputStream();
      String key =
          Base64.getEncoder()
              .encodeToString("kaleem-stalled-1".getBytes(StandardCharsets.US_ASCII));
      out.write(
          ("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:"
                  + port
                  + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                  + key
                  + "\r\nSec-WebSocket-Version: 13\r\nAuthorization: "
                  + owner.bearer()
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = raw.getInputStream();
      byte[] head = new byte[12];
      assertThat(in.readNBytes(head, 0, 12)).isEqualTo(12);
      assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 101");
      int before = sessions.size();
      await().atMost(Duration.ofSeconds(20)).until(() -> sessions.size() >= 1);

      // The client now reads nothing. Push events at it until the server gives up on it.
      String payload =
          "{\"id\":\"x\",\"type\":\"product.changed\",\"version\":1,\"merchantId\":\""
              + merchant
              + "\",\"data\":{\"pad\":\""
              + "p".repeat(8192)
              + "\"}}";
      var event =
          new io.kaleem.api.messaging.EventEnvelope(
              "x", "product.changed", 1, null, "local", merchant, null, Map.of("pad", "p"));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                for (int i = 0; i < 100; i++) {
                  sessions.dispatch(event, payload);
                }
                return dropped() > droppedBefore;
              });
      await().atMost(Duration.ofSeconds(20)).until(() -> sessions.size() < Math.max(before, 1));
      // The server dropped the connection: reading on finds its end.
      raw.setSoTimeout(20_000);
      byte[] sink = new byte[65536];
      while (in.read(sink) >= 0) {
        // drain what was sent before the abort
      }
    }
  }

  private double dropped() {
    var c =
        meters
            .find(MetricNames.WEBSOCKET_MESSAGES_DROPPED)
            .tag(MetricNames.LABEL_REASON, "slow_client")
            .counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void aCustomerReceivesTheirOwnOrdersOnly() {
    CommerceFixtures commerce = new CommerceFixtures(http, mongo);
    String customer = commerce.customer("Live Customer");
    String someoneElse = commerce.customer("Other Customer");
    String product = (String) fixtures.product(merchant, "LIVE-1", "2.00", 10).get("id");
    try (WsClient mine =
            WsClient.connect(port, "Bearer " + tokens.mint(customer, Role.CUSTOMER, null));
        WsClient theirs =
            WsClient.connect(port, "Bearer " + tokens.mint(someoneElse, Role.CUSTOMER, null))) {
      await().atMost(Duration.ofSeconds(20)).until(() -> mine.ready() && theirs.ready());
      String first = (String) commerce.order(merchant, someoneElse, product, 1).get("id");
      String second = (String) commerce.order(merchant, customer, product, 1).get("id");
      await().atMost(Duration.ofSeconds(30)).until(() -> !mine.containing(second).isEmpty());
      await().atMost(Duration.ofSeconds(30)).until(() -> !theirs.containing(first).isEmpty());
      assertThat(mine.containing(first)).isEmpty();
      assertThat(mine.containing("product.")).isEmpty();
    }
  }
}
