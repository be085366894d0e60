package io.kaleem.api.realtime;

import io.kaleem.api.observability.RequestContext;
import io.kaleem.api.security.AuthenticatedUser;
import io.kaleem.api.security.CurrentUser;
import io.kaleem.api.security.VerifiedTokenCache;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code /ws} gateway. A client is authenticated by the access token, either in the upgrade
 * request's {@code Authorization} header (checked by the security filter before the upgrade: a bad
 * token is a 401 and no session) or, for browsers, which cannot set that header, in its first
 * message {@code {"type":"auth","token":"..."}} within the auth timeout. Never a URL query: those
 * land in access logs.
 *
 * <p>Once authenticated, the session receives its events with no further message ({@link
 * LiveSessions} decides which); {@code {"type":"subscribe","channels":[...]}} narrows them, an
 * unknown channel or another merchant's id closes the session (1008). The server pings every
 * heartbeat; a session silent for the idle timeout (no pong, no message) is closed (1001). A frame
 * or message over the size limit closes the session (1009); a malformed one closes it (1007).
 */
final class LiveGateway implements WebSocketHandler {

  static final CloseStatus BAD_TOKEN = CloseStatus.POLICY_VIOLATION.withReason("invalid token");
  static final CloseStatus TOO_MANY =
      CloseStatus.POLICY_VIOLATION.withReason("too many connections");
  static final CloseStatus TOO_BIG = CloseStatus.TOO_BIG_TO_PROCESS.withReason("message too big");
  static final CloseStatus MALFORMED = new CloseStatus(1007, "malformed message");
  static final CloseStatus IDLE = CloseStatus.GOING_AWAY.withReason("idle");

  private final LiveSessions sessions;
  private final VerifiedTokenCache tokens;
  private final JsonMapper json;
  private final RealtimeProperties cfg;

  LiveGateway(
      LiveSessions sessions, VerifiedTokenCache tokens, JsonMapper json, RealtimeProperties cfg) {
    this.sessions = sessions;
    this.tokens = tokens;
    this.json = json;
    this.cfg = cfg;
  }

  @Override
  public Mono<Void> handle(WebSocketSession socket) {
    sessions.opened();
    Connection c = new Connection(socket);
    if (socket.getAttributes().get(RequestContext.CALLER) instanceof AuthenticatedUser byHeader) {
      try {
        c.start(byHeader);
      } catch (Refused refused) {
        return refuse(socket, refused).doFinally(s -> c.cleanUp());
      }
    }
    Mono<Void> in =
        socket
            .receive()
            .timeout(cfg.idleTimeout())
            .filter(
                m ->
                    m.getType() == WebSocketMessage.Type.TEXT
                        || m.getType() == WebSocketMessage.Type.BINARY)
            .map(m -> m.getPayloadAsText(StandardCharsets.UTF_8))
            // A refused message closes the session with its status while the inbound side stays
            // subscribed until the client answers the close.
            .concatMap(text -> handleText(c, text).onErrorResume(e -> refuse(socket, e)))
            .then()
            // Closed from here, while the outbound side is still open: its close frame carries
            // the status (cancelling the outbound first would close without one, 1005).
            .onErrorResume(e -> refuse(socket, e));
    Mono<Void> authDeadline =
        Mono.delay(cfg.authTimeout())
            .then(
                Mono.defer(
                    () ->
                        c.session == null ? refuse(socket, new Refused(BAD_TOKEN)) : Mono.never()));
    Mono<Void> out =
        socket.send(
            c.started
                .asMono()
                .flatMapMany(
                    s ->
                        Flux.merge(
                            s.outbound()
                                .map(bytes -> text(socket, bytes))
                                .doOnNext(m -> sessions.sent()),
                            Flux.interval(cfg.heartbeat(), cfg.heartbeat())
                                .map(t -> socket.pingMessage(f -> f.wrap(new byte[0]))))));
    return Mono.firstWithSignal(in, out, authDeadline)
        .onErrorResume(e -> refuse(socket, e))
        .doFinally(s -> c.cleanUp());
  }

  private Mono<Void> handleText(Connection c, String text) {
    return c.session == null
        ? authenticate(text).doOnNext(c::start).then()
        : Mono.fromRunnable(() -> onMessage(c.session, text));
  }

  /** One connection's state: anonymous until {@link #start}, then a registered session. */
  private final class Connection {
    private final WebSocketSession socket;
    private final Sinks.One<LiveSession> started = Sinks.one();
    private volatile LiveSession session;

    Connection(WebSocketSession socket) {
      this.socket = socket;
    }

    void start(AuthenticatedUser user) {
      if (!sessions.admit(user)) {
        throw new Refused(TOO_MANY);
      }
      LiveSession s = new LiveSession(socket, user, cfg.sendBuffer());
      sessions.add(s);
      session = s;
      sessions.offer(s, ready(user));
      started.tryEmitValue(s);
    }

    void cleanUp() {
      LiveSession s = session;
      if (s == null) {
        sessions.closedAnonymous();
      } else {
        sessions.remove(s);
        s.complete();
      }
    }
  }

  private Mono<AuthenticatedUser> authenticate(String first) {
    JsonNode msg = parse(first);
    if (!"auth".equals(msg.path("type").asString("")) || !msg.path("token").isString()) {
      return Mono.error(new Refused(BAD_TOKEN));
    }
    return tokens
        .decode(msg.path("token").asString())
        .map(CurrentUser::of)
        .onErrorMap(e -> !(e instanceof Refused), e -> new Refused(BAD_TOKEN));
  }

  private void onMessage(LiveSession session, String text) {
    if (text.getBytes(StandardCharsets.UTF_8).length > cfg.maxMessageBytes()) {
      throw new Refused(TOO_BIG);
    }
    JsonNode msg = parse(text);
    switch (msg.path("type").asString("")) {
      case "ping" -> sessions.offer(session, "{\"kind\":\"pong\"}");
      case "subscribe" -> subscribe(session, msg);
      case "auth" -> {} // already authenticated: a page that re-sends its token is harmless
      default -> throw new Refused(CloseStatus.POLICY_VIOLATION.withReason("unknown message type"));
    }
  }

  private void subscribe(LiveSession session, JsonNode msg) {
    JsonNode merchant = msg.path("merchantId");
    if (!merchant.isMissingNode()
        && !merchant.isNull()
        && !merchant.asString("").equals(session.user.merchantId())) {
      throw new Refused(CloseStatus.POLICY_VIOLATION.withReason("not your merchant"));
    }
    Set<Channel> wanted = EnumSet.noneOf(Channel.class);
    for (JsonNode c : msg.path("channels")) {
      Channel channel = Channel.of(c.asString(null));
      if (channel == null) {
        throw new Refused(CloseStatus.POLICY_VIOLATION.withReason("unknown channel"));
      }
      wanted.add(channel);
    }
    session.narrowTo(wanted);
    sessions.offer(session, "{\"kind\":\"subscribed\"}");
  }

  private JsonNode parse(String text) {
    if (text.length() > cfg.maxMessageBytes()) {
      throw new Refused(TOO_BIG);
    }
    try {
      JsonNode node = json.readTree(text);
      if (node == null || !node.isObject()) {
        throw new Refused(MALFORMED);
      }
      return node;
    } catch (RuntimeException e) {
      throw e instanceof Refused r ? r : new Refused(MALFORMED);
    }
  }

  private String ready(AuthenticatedUser user) {
    return json.writeValueAsString(
        java.util.Map.of(
            "kind",
            "ready",
            "userId",
            user.userId(),
            "role",
            user.role().name(),
            "merchantId",
            user.merchantId() == null ? "" : user.merchantId()));
  }

  private Mono<Void> refuse(WebSocketSession socket, Throwable e) {
    CloseStatus status;
    if (e instanceof Refused r) {
      status = r.status;
    } else if (e instanceof TimeoutException) {
      status = IDLE;
    } else if (isTooBig(e)) {
      status = TOO_BIG;
    } else {
      status = CloseStatus.SERVER_ERROR;
    }
    return socket
        .close(status)
        .timeout(Duration.ofSeconds(2), Mono.empty())
        .onErrorResume(x -> Mono.empty());
  }

  private static boolean isTooBig(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getClass().getSimpleName().equals("CorruptedWebSocketFrameException")
          || t.getClass().getSimpleName().equals("TooLongFrameException")) {
        return true;
      }
    }
    return false;
  }

  /** Closes the session with {@code status}. */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient CloseStatus status;

    Refused(CloseStatus status) {
      super(status.getReason(), null, false, false);
      this.status = status;
    }
  }

  /** A text frame over {@code utf8} as it is: wrapped, not copied or re-encoded per session. */
  private static WebSocketMessage text(WebSocketSession socket, byte[] utf8) {
    return new WebSocketMessage(WebSocketMessage.Type.TEXT, socket.bufferFactory().wrap(utf8));
  }
}
