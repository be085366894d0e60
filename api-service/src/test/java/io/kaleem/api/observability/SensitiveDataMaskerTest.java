package io.kaleem.api.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.observability.logging.SensitiveDataMasker;
import org.junit.jupiter.api.Test;

class SensitiveDataMaskerTest {

  static String mask(String s) {
    return SensitiveDataMasker.maskText(s);
  }

  @Test
  void cardNumbersThatPassLuhnAreMaskedOthersAreNot() {
    assertThat(mask("pay 4111111111111111 now")).isEqualTo("pay [REDACTED] now");
    assertThat(mask("pay 4111 1111 1111 1111")).isEqualTo("pay [REDACTED]");
    assertThat(mask("amex 3782-822463-10005")).isEqualTo("amex [REDACTED]");
    assertThat(mask("id 4111111111111112")).isEqualTo("id 4111111111111112");
    assertThat(mask("short 411111111111")).isEqualTo("short 411111111111");
    // Hex object ids and UUIDs are left alone even when they hold digit runs.
    assertThat(mask("order 6b0747401111111111111111")).isEqualTo("order 6b0747401111111111111111");
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
          "pay 4111111111111111 now",
          "4111-1111-1111-1111",
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
          "411111111111"
        }) {
      assertThat(mask(plain)).as(plain).isSameAs(plain);
    }
  }
}
