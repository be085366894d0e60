package io.kaleem.api.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Assertions on RFC 9457 answers, shared by every HTTP test. */
public final class ProblemAssertions {

  public static final String PROBLEMS = "https://kaleem.io/problems/";

  private ProblemAssertions() {}

  /** The answer is a problem+json of {@code status} whose type ends in {@code type}. */
  public static void expectProblem(WebTestClient.ResponseSpec spec, int status, String type) {
    spec.expectStatus()
        .isEqualTo(status)
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo(PROBLEMS + type);
  }

  /** The answer is a 400 validation problem that lists {@code field} among its field errors. */
  @SuppressWarnings("unchecked")
  public static void expectFieldError(WebTestClient.ResponseSpec spec, String field) {
    spec.expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo(PROBLEMS + "validation")
        .jsonPath("$.errors[*].field")
        .value(f -> assertThat((List<Object>) f).contains(field));
  }
}
