package io.kaleem.api.realtime;

import io.kaleem.api.security.VerifiedTokenCache;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.support.WebSocketHandlerAdapter;
import tools.jackson.databind.json.JsonMapper;

/** The {@code /ws} gateway, its fan-out consumer and the {@code /live} page. */
@Configuration(proxyBeanMethods = false)
class RealtimeConfiguration {

  /** The page's own policy: its script and socket are same-origin, nothing else loads. */
  static final String PAGE_CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
          + " frame-ancestors 'none'";

  @Bean
  LiveGateway liveGateway(
      LiveSessions sessions, VerifiedTokenCache tokens, JsonMapper json, RealtimeProperties cfg) {
    return new LiveGateway(sessions, tokens, json, cfg);
  }

  @Bean
  HandlerMapping liveGatewayMapping(LiveGateway gateway) {
    return new SimpleUrlHandlerMapping(Map.of("/ws", gateway), Ordered.HIGHEST_PRECEDENCE);
  }

  /**
   * The upgrade with the frame-size limit, carrying the caller the security filter verified from
   * the {@code Authorization} header into the session ({@link AbortableUpgradeStrategy}).
   */
  @Bean
  WebSocketHandlerAdapter webSocketHandlerAdapter(RealtimeProperties cfg) {
    return new WebSocketHandlerAdapter(
        new HandshakeWebSocketService(new AbortableUpgradeStrategy(cfg.maxMessageBytes())));
  }

  /** The Spring Cloud Stream function bound as {@code liveUpdates-in-0}. */
  @Bean
  LiveFanout liveUpdates(LiveSessions sessions, JsonMapper json) {
    return new LiveFanout(sessions, json);
  }

  @Bean
  RouterFunction<ServerResponse> livePage() {
    ClassPathResource page = new ClassPathResource("static/live/index.html");
    return RouterFunctions.route()
        .GET(
            "/live",
            req ->
                ServerResponse.ok()
                    .contentType(MediaType.TEXT_HTML)
                    .header("Content-Security-Policy", PAGE_CSP)
                    .bodyValue(page))
        .build();
  }
}
