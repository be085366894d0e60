package io.kaleem.operator.status;

import io.kaleem.crds.v1alpha1.KaleemTenantStatus.Phase;
import io.kaleem.operator.status.Conditions.Verdict;
import java.util.List;
import java.util.Set;

/**
 * The tenant's phase and {@code Ready} condition as a function of this reconcile's verdicts (one
 * per concern: spec, config, database, indexes, monitoring, the workflow's dependents, the rollout)
 * and the rollout decision's phase. Each verdict's {@link Impact} says what it does to the phase;
 * no reason string is ever compared.
 */
public final class StatusAggregator {

  /** What a concern's verdict does to the tenant's phase; ordered from harmless to worst. */
  public enum Impact {
    /** Fine, or worth a condition but not the phase (prometheus-operator absent). */
    NONE,
    /** Not there yet: the phase is Provisioning (never served) or Progressing. */
    PENDING,
    /** Serving, but something the platform needs is broken: Degraded. */
    DEGRADED,
    /** The reconcile refused to go on (bad spec, missing Secret, name conflict): Failed. */
    FAILED
  }

  /** Concerns without which the tenant is not yet serving: a missing verdict is pending. */
  static final Set<String> REQUIRED =
      Set.of(Conditions.INDEXES_READY, Conditions.DEPLOYMENT_AVAILABLE);

  public record Result(Phase phase, Verdict ready) {}

  private StatusAggregator() {}

  /**
   * @param decided the rollout decision's phase (it knows about rollbacks and failed revisions);
   *     null when it leaves the phase to the concerns. A refusal ({@link Impact#FAILED}) wins over
   *     it: nothing was (fully) written.
   * @param servedBefore a revision has been last good before (Progressing rather than Provisioning)
   */
  public static Result aggregate(List<Verdict> verdicts, Phase decided, boolean servedBefore) {
    Impact worst = Impact.NONE;
    for (Verdict v : verdicts) {
      worst = max(worst, impact(v));
    }
    for (String type : REQUIRED) {
      if (verdicts.stream().noneMatch(v -> v.type().equals(type))) {
        worst = max(worst, Impact.PENDING);
      }
    }
    Phase phase =
        worst == Impact.FAILED
            ? Phase.Failed
            : decided != null
                ? decided
                : switch (worst) {
                  case DEGRADED -> Phase.Degraded;
                  case PENDING -> servedBefore ? Phase.Progressing : Phase.Provisioning;
                  default -> Phase.Ready;
                };
    Verdict ready =
        phase == Phase.Ready
            ? Verdict.ok(Conditions.READY, "Ready", "tenant is serving its last good revision")
            : Verdict.bad(Conditions.READY, phase.name(), summary(verdicts, phase));
    return new Result(phase, ready);
  }

  /**
   * A verdict's impact: the one it was given, else by its concern. A database that is down degrades
   * a serving tenant; indexes being built and a Deployment not yet available are pending; other
   * concerns leave the phase to the decision.
   */
  static Impact impact(Verdict v) {
    if (v.impact() != null) {
      return v.impact();
    }
    if (v.isTrue()) {
      return Impact.NONE;
    }
    if (REQUIRED.contains(v.type())) {
      return Impact.PENDING;
    }
    if (v.type().equals(Conditions.DATABASE_READY) && "False".equals(v.status())) {
      return Impact.DEGRADED;
    }
    return Impact.NONE;
  }

  private static Impact max(Impact a, Impact b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static String summary(List<Verdict> verdicts, Phase phase) {
    return verdicts.stream()
        .filter(v -> !v.isTrue())
        .map(v -> v.type() + ": " + v.message())
        .findFirst()
        .orElse("phase " + phase);
  }
}
