package io.kaleem.api.errors;

import java.util.Map;
import org.springframework.http.ProblemDetail;
import org.springframework.web.server.ServerWebExchange;

/** Builds the problem documents every error path shares, so they cannot drift apart. */
public final class Problems {

  /**
   * Exchange attribute holding the {@link ProblemDetail} a request was answered with, set by every
   * path that writes one (the controller advice and {@link ProblemWriter}); metrics and error
   * monitoring read its type from here.
   */
  public static final String ATTRIBUTE = "kaleem.problem";

  private Problems() {}

  /** Records {@code problem} as the answer of {@code exchange} and returns it. */
  public static ProblemDetail answered(ServerWebExchange exchange, ProblemDetail problem) {
    if (exchange != null) {
      exchange.getAttributes().put(ATTRIBUTE, problem);
    }
    return problem;
  }

  /**
   * The slug of a problem's type ({@code validation}, {@code not-found}...); for a problem with a
   * foreign or no type, the slug of the type its status maps to. Always one of {@link ProblemType},
   * so labels built from it stay bounded.
   */
  public static String slug(ProblemDetail problem, int status) {
    if (problem != null && problem.getType() != null) {
      String type = problem.getType().toString();
      if (type.startsWith(ProblemType.BASE)) {
        ProblemType known = ProblemType.ofSlug(type.substring(ProblemType.BASE.length()));
        if (known != null) {
          return known.slug();
        }
      }
    }
    return ProblemType.forStatus(status).slug();
  }

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
