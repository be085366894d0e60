package io.kaleem.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;

/** The loop answers exactly as Spring Security's regular expressions on every kind of input. */
class RequestFirewallTest {

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
