package io.kaleem.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;

/** The loop reads every Authorization header as Spring Security's converter does. */
class BearerTokenTest {

  static List<String> headers() {
    List<String> h =
        new ArrayList<>(
            List.of(
                "Bearer abc.DEF-123_~+/xyz",
                "bearer abc",
                "BEARER abc==",
                "Bearer abc=def",
                "Bearer ===",
                "Bearer ",
                "Bearer",
                "Bearerabc",
                "Bearer  abc",
                "Bearer abc ",
                "Bearer a\tb",
                "Bearer äbc",
                "Basic dXNlcjpwYXNz",
                "Token abc",
                "bearerx abc",
                ""));
    Random random = new Random(11);
    String alphabet = "aZ09-._~+/= \t:é";
    for (int i = 0; i < 3_000; i++) {
      StringBuilder b = new StringBuilder(random.nextBoolean() ? "Bearer " : "bEaReR");
      for (int j = random.nextInt(12); j >= 0; j--) {
        b.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      h.add(b.toString());
    }
    return h;
  }

  @Test
  void readsEveryHeaderAsSpringSecurity() {
    ServerBearerTokenAuthenticationConverter spring =
        new ServerBearerTokenAuthenticationConverter();
    int tokens = 0;
    int refused = 0;
    for (String header : headers()) {
      var exchange =
          MockServerWebExchange.from(
              MockServerHttpRequest.get("/").header(HttpHeaders.AUTHORIZATION, header));
      String expected;
      try {
        expected =
            spring
                .convert(exchange)
                .map(a -> ((BearerTokenAuthenticationToken) a).getToken())
                .defaultIfEmpty("<none>")
                .block();
      } catch (RuntimeException e) {
        expected = "<malformed>";
      }
      String actual;
      try {
        String token = BearerToken.from(exchange.getRequest().getHeaders());
        actual = token == null ? "<none>" : token;
      } catch (RuntimeException e) {
        actual = "<malformed>";
      }
      assertThat(actual).as("Authorization: %s", header).isEqualTo(expected);
      tokens += expected.startsWith("<") ? 0 : 1;
      refused += expected.equals("<malformed>") ? 1 : 0;
    }
    assertThat(tokens).isGreaterThan(100);
    assertThat(refused).isGreaterThan(100);
  }
}
