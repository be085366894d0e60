package io.kaleem.api.errors;

import java.util.Map;
import org.springframework.http.ProblemDetail;

/** Builds the problem documents every error path shares, so they cannot drift apart. */
public final class Problems {

  private Problems() {}

  public static ProblemDetail of(ProblemType type, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(type.status(), detail);
    problem.setType(type.uri());
    problem.setTitle(type.title());
    return problem;
  }

  public static ProblemDetail of(ApiException e) {
    ProblemDetail problem = of(e.type(), e.getMessage());
    for (Map.Entry<String, Object> p : e.properties().entrySet()) {
      problem.setProperty(p.getKey(), p.getValue());
    }
    return problem;
  }
}
