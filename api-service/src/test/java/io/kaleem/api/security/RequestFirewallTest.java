package io.kaleem.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The firewall refuses what Spring Security's strict firewall refuses, up front; its loop answers
 * exactly as Spring's regular expressions.
 */
class RequestFirewallTest {

  private final RequestFirewall firewall = new RequestFirewall();

  private static MockServerWebExchange exchange(MockServerHttpRequest.BaseBuilder<?> request) {
    return MockServerWebExchange.from(request);
  }

  @Test
  void aCleanRequestPasses() {
    ServerWebExchange exchange =
        exchange(
            MockServerHttpRequest.get("/api/v1/products?q=%D8%B9%D8%B1%D8%A8%D9%8A&limit=5")
                .header("Authorization", "Bearer eyJhbGciOiJFUzI1NiJ9.e30.sig")
                .header("Accept-Language", "ar\tq=0.9"));
    assertThatCode(() -> firewall.check(exchange)).doesNotThrowAnyException();
  }

  @Test
  void aControlCharacterInAHeaderNoOneReadsIsRefused() {
    refused(exchange(MockServerHttpRequest.get("/api/v1/products").header("X-Unread", "a\u0000b")));
    refused(exchange(MockServerHttpRequest.get("/api/v1/products").header("X-\u0007", "a")));
  }

  @Test
  void aControlCharacterInAQueryParameterNameIsRefused() {
    refused(exchange(MockServerHttpRequest.get("/api/v1/products?{name}=1", "a\u0007b")));
  }

  @Test
  void springSecuritysUrlAndMethodRulesStillApply() {
    refused(exchange(MockServerHttpRequest.get("/api/v1/products/../admin")));
    refused(exchange(MockServerHttpRequest.get("/api/v1/products;jsessionid=1")));
    refused(
        exchange(MockServerHttpRequest.method(HttpMethod.valueOf("TRACE"), "/api/v1/products")));
  }

  private void refused(ServerWebExchange exchange) {
    assertThatThrownBy(() -> firewall.check(exchange))
        .isInstanceOf(ServerExchangeRejectedException.class);
  }

  /**
   * Why the firewall drops Spring's commit-time CR/LF re-check on Reactor Netty: a response header
   * value with a line break, set through Spring's API on the API's server, is refused when it is
   * set and never reaches the wire (no response splitting).
   */
  @Test
  void aResponseHeaderWithALineBreakNeverLeavesTheServer() throws Exception {
    HttpHandler handler =
        WebHttpHandlerBuilder.webHandler(
                exchange -> {
                  exchange.getResponse().getHeaders().set("X-Echo", "a\r\nInjected: 1");
                  return exchange.getResponse().setComplete();
                })
            .build();
    DisposableServer server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .handle(new ReactorHttpHandlerAdapter(handler))
            .bindNow();
    try (var socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.ISO_8859_1));
      String answer =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(answer).startsWith("HTTP/1.1 500").doesNotContain("Injected");
    } finally {
      server.disposeNow();
    }
  }

  static List<String> samples() {
    List<String> s =
        new ArrayList<>(
            List.of(
                "",
                "Bearer eyJhbGciOiJFUzI1NiJ9.e30.sig",
                "text/html; q=0.9",
                "a\tb",
                "a\nb",
                "a\rb",
                "a\u0000b",
                "a\u007fb",
                "a\u0085b",
                "\u0378",
                "عربي",
                "emoji \uD83D\uDE00",
                "lone \uD83D surrogate",
                "lone \uDE00 low",
                "\uFFFF",
                new String(Character.toChars(0x10FFFF)),
                new String(Character.toChars(0xE0001))));
    Random random = new Random(7);
    for (int i = 0; i < 5_000; i++) {
      StringBuilder b = new StringBuilder();
      for (int j = random.nextInt(6); j >= 0; j--) {
        b.appendCodePoint(
            random.nextInt(4) == 0 ? random.nextInt(0x110000) : random.nextInt(0x3000));
      }
      s.add(b.toString());
    }
    return s;
  }

  @Test
  void headerNamesAndValuesAreJudgedAsSpringSecurityJudgesThem() {
    int refused = 0;
    for (String s : samples()) {
      boolean name = StrictServerWebExchangeFirewall.ALLOWED_HEADER_NAMES.test(s);
      boolean value = StrictServerWebExchangeFirewall.ALLOWED_HEADER_VALUES.test(s);
      assertThat(RequestFirewall.assignedWithoutControls(s, false))
          .as("name %s", s)
          .isEqualTo(name);
      assertThat(RequestFirewall.assignedWithoutControls(s, true))
          .as("value %s", s)
          .isEqualTo(value);
      refused += value ? 0 : 1;
    }
    // The samples exercise both answers.
    assertThat(refused).isGreaterThan(100);
    assertThat(RequestFirewall.assignedWithoutControls(null, true)).isTrue();
  }
}
