package io.kaleem.operator.spec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CronCheckTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0 */15 * * * *",
        "0 0 9-17 * * MON-FRI",
        "0 0 0 L * ?",
        "0 0 12 1W * *",
        "0 30 2 * JAN,JUL SUN#1",
        "*/10 * * * * *",
        "0 0 0 * * 5L",
        "@hourly"
      })
  void acceptsWhatSpringAccepts(String cron) {
    assertThat(CronCheck.problem(cron)).as(cron).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0 */15 * * *",
        "0 61 * * * *",
        "0 0 25 * * *",
        "0 0 0 32 * *",
        "0 0 0 * 13 *",
        "0 0 0 * * FUNDAY",
        "0 */0 * * * *",
        "0 5-1 * * * *",
        "every 5 minutes",
        "@sometimes",
        ""
      })
  void refusesWhatSpringRefuses(String cron) {
    assertThat(CronCheck.problem(cron)).as(cron).isPresent();
  }
}
