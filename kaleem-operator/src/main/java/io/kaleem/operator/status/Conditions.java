package io.kaleem.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Condition bookkeeping with Kubernetes semantics: {@code lastTransitionTime} moves only when the
 * status flips, so a reconcile that changes nothing writes nothing.
 */
public final class Conditions {

  public static final String READY = "Ready";
  public static final String SPEC_VALID = "SpecValid";
  public static final String CONFIG_READY = "ConfigReady";
  public static final String DATABASE_READY = "DatabaseReady";
  public static final String INDEXES_READY = "IndexesReady";
  public static final String MONITORING_READY = "MonitoringReady";
  public static final String DEPLOYMENT_AVAILABLE = "DeploymentAvailable";
  public static final String ROLLOUT_HEALTHY = "RolloutHealthy";

  /** The per-concern conditions, in the order they are shown. */
  public static final List<String> CONCERNS =
      List.of(
          SPEC_VALID,
          CONFIG_READY,
          DATABASE_READY,
          INDEXES_READY,
          MONITORING_READY,
          DEPLOYMENT_AVAILABLE,
          ROLLOUT_HEALTHY);

  private Conditions() {}

  /**
   * A condition as decided by one concern in this reconcile, and what it does to the phase (null:
   * by its concern, see {@link StatusAggregator#impact}).
   */
  public record Verdict(
      String type, String status, String reason, String message, StatusAggregator.Impact impact) {
    public Verdict(String type, String status, String reason, String message) {
      this(type, status, reason, message, null);
    }

    /** This verdict with the given impact on the phase. */
    public Verdict with(StatusAggregator.Impact i) {
      return new Verdict(type, status, reason, message, i);
    }

    public static Verdict ok(String type, String reason, String message) {
      return new Verdict(type, "True", reason, message);
    }

    public static Verdict bad(String type, String reason, String message) {
      return new Verdict(type, "False", reason, message);
    }

    public static Verdict unknown(String type, String reason, String message) {
      return new Verdict(type, "Unknown", reason, message);
    }

    public boolean isTrue() {
      return "True".equals(status);
    }
  }

  public static Optional<Condition> find(List<Condition> list, String type) {
    return list.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /**
   * Sets the verdict into the list, keeping the old transition time when the status is unchanged.
   *
   * @return true when status, reason or message changed (the caller reports that as an Event)
   */
  public static boolean set(List<Condition> list, Verdict v, Long generation, Instant now) {
    Optional<Condition> old = find(list, v.type());
    String time =
        old.filter(c -> Objects.equals(c.getStatus(), v.status()))
            .map(Condition::getLastTransitionTime)
            .orElse(now.truncatedTo(ChronoUnit.SECONDS).toString());
    boolean changed =
        old.isEmpty()
            || !Objects.equals(old.get().getStatus(), v.status())
            || !Objects.equals(old.get().getReason(), v.reason())
            || !Objects.equals(old.get().getMessage(), v.message());
    Condition c =
        new ConditionBuilder()
            .withType(v.type())
            .withStatus(v.status())
            .withReason(v.reason())
            .withMessage(v.message())
            .withObservedGeneration(generation)
            .withLastTransitionTime(time)
            .build();
    old.ifPresent(list::remove);
    int at = order(v.type());
    int i = 0;
    while (i < list.size() && order(list.get(i).getType()) <= at) {
      i++;
    }
    list.add(i, c);
    return changed;
  }

  private static int order(String type) {
    if (READY.equals(type)) {
      return -1;
    }
    int i = CONCERNS.indexOf(type);
    return i < 0 ? CONCERNS.size() : i;
  }
}
