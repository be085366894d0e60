package io.kaleem.operator.rollout;

/**
 * The running tally of one revision's analysis, with Argo Rollouts' semantics
 * (https://argo-rollouts.readthedocs.io/en/stable/features/analysis/): a measurement is a success,
 * a failure, inconclusive (no data, or fewer requests than {@code minSamples}) or an error (the
 * query could not be made).
 *
 * <ul>
 *   <li>{@code Failed}: more failures than {@code failureLimit};
 *   <li>{@code Error}: more consecutive errors than {@code consecutiveErrorLimit};
 *   <li>{@code Passed}: at least one success and neither of the above;
 *   <li>{@code Inconclusive}: only inconclusive measurements so far: never a pass;
 *   <li>{@code Running}: no measurement yet.
 * </ul>
 */
public record AnalysisResult(
    String revision,
    Phase phase,
    int measurements,
    int successes,
    int failures,
    int consecutiveErrors,
    int inconclusive,
    String message) {

  public enum Phase {
    Running,
    Passed,
    Failed,
    Error,
    Inconclusive
  }

  /** One measurement. */
  public enum Kind {
    SUCCESS,
    FAILURE,
    NO_DATA,
    ERROR
  }

  public static AnalysisResult start(String revision) {
    return new AnalysisResult(revision, Phase.Running, 0, 0, 0, 0, 0, "no measurement yet");
  }

  public boolean terminal() {
    return phase == Phase.Failed || phase == Phase.Error;
  }

  /** The tally after one more measurement. */
  public AnalysisResult add(
      Kind kind, String message, int failureLimit, int consecutiveErrorLimit) {
    int s = successes;
    int f = failures;
    int e = kind == Kind.ERROR ? consecutiveErrors + 1 : 0;
    int i = inconclusive;
    switch (kind) {
      case SUCCESS -> s++;
      case FAILURE -> f++;
      case NO_DATA -> i++;
      case ERROR -> {}
    }
    Phase p;
    if (f > failureLimit) {
      p = Phase.Failed;
    } else if (e > consecutiveErrorLimit) {
      p = Phase.Error;
    } else if (s > 0) {
      p = Phase.Passed;
    } else if (i > 0) {
      p = Phase.Inconclusive;
    } else {
      p = Phase.Running;
    }
    return new AnalysisResult(revision, p, measurements + 1, s, f, e, i, Messages.bound(message));
  }
}
