package io.kaleem.api.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.observability.logging.SensitiveDataMasker;
import org.junit.jupiter.api.Test;

class SensitiveDataMaskerTest {

  static String mask(String s) {
    return SensitiveDataMasker.maskText(s);
  }

  /**
   * Card numbers are masked by the field that holds them, never by a digit pattern over every
   * value: ids with Luhn-valid digit runs (a UUID, a request id a client chose) stay intact, so an
   * id echoed to the client can be found in the log.
   */
  @Test
  void cardNumbersAreMaskedByFieldAndIdsWithLuhnValidDigitRunsSurvive() {
    assertThat(mask("cardNumber=4111111111111111 ok")).isEqualTo("cardNumber=[REDACTED] ok");
    assertThat(mask("{\"card_number\":\"4111 1111 1111 1111\"}"))
        .isEqualTo("{\"card_number\":\"[REDACTED]\"}");
    assertThat(mask("{\"card\":\"5500-0000-0000-0004\",\"pan\":\"x\"}"))
        .isEqualTo("{\"card\":\"[REDACTED]\",\"pan\":\"[REDACTED]\"}");
    for (String id :
        new String[] {
          "3f2b8a2e-8c1d-4e55-8002-400000005002",
          "req-4111111111111111",
          "request 4111-1111-1111-1111 done",
          "order 6b0747401111111111111111"
        }) {
      assertThat(mask(id)).as(id).isEqualTo(id);
    }
    // A field merely ending in a sensitive name is not one.
    assertThat(mask("discard=4111 timespan=3")).isEqualTo("discard=4111 timespan=3");
  }

  @Test
  void credentialsInTextAreMasked() {
    assertThat(mask("{\"email\":\"a@b.c\",\"password\":\"hunter2hunter2\"}"))
        .isEqualTo("{\"email\":\"a@b.c\",\"password\":\"[REDACTED]\"}");
    assertThat(mask("refresh_token=abc123&x=1")).isEqualTo("refresh_token=[REDACTED]&x=1");
    assertThat(mask("Authorization: Bearer abcdef.ghijkl.mnop"))
        .isEqualTo("Authorization: [REDACTED]");
    assertThat(mask("sent bearer abcdefghijkl")).isEqualTo("sent bearer [REDACTED]");
    assertThat(mask("Cookie: a=b; c=d\nnext")).isEqualTo("Cookie: [REDACTED]\nnext");
    assertThat(mask("jwt eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"))
        .isEqualTo("jwt [REDACTED]");
    assertThat(mask("nothing secret here")).isEqualTo("nothing secret here");
  }

  /** The pre-check never skips a value a pattern would change. */
  @Test
  void thePreCheckSkipsOnlyValuesNoPatternCanChange() {
    for (String secret :
        new String[] {
          "cardNumber=4111111111111111",
          "password=abc",
          "\"token\":\"x\"",
          "Cookie: a",
          "bearer abcdefghijkl",
          "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
        }) {
      assertThat(mask(secret)).as(secret).isNotEqualTo(secret);
    }
    for (String plain :
        new String[] {
          "request",
          "io.kaleem.api.access",
          "webflux-http-epoll-2",
          "/api/v1/merchants/{merchantId}/products",
          "3f2b8a2e-8c1d-4e55-9a0b-1c2d3e4f5a6b",
          "3f2b8a2e-8c1d-4e55-8002-400000005002",
          "411111111111"
        }) {
      assertThat(mask(plain)).as(plain).isSameAs(plain);
    }
  }
}
