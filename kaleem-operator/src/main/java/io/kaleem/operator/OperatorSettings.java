package io.kaleem.operator;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Operator settings, read from the environment in production; tests build them directly with short
 * intervals.
 *
 * @param namespaces namespaces to watch; empty means all namespaces
 * @param healthPort port of /healthz, /readyz and /metrics; 0 picks a free one; -1 disables
 * @param leaderElectionNamespace namespace of the leader-election Lease; null disables election
 * @param indexResync how often a tenant's indexes are compared with the database (drift repair)
 * @param mongoTimeout server-selection and connect timeout for tenant databases
 * @param backoffBase first retry delay after a database failure (doubles up to backoffMax)
 * @param backoffMax longest retry delay
 * @param rolloutPoll how often a rollout in progress is re-examined
 * @param crdCheckInterval how often the prometheus-operator CRDs are asked about again, present or
 *     absent (one GET per CRD per interval, operator-wide)
 * @param resync reconcile every tenant at least this often
 * @param concurrentReconciles reconcile threads
 */
public record OperatorSettings(
    Set<String> namespaces,
    int healthPort,
    String leaderElectionNamespace,
    String leaseName,
    Duration indexResync,
    Duration mongoTimeout,
    Duration backoffBase,
    Duration backoffMax,
    Duration rolloutPoll,
    Duration crdCheckInterval,
    Duration resync,
    int concurrentReconciles) {

  public static OperatorSettings fromEnvironment(Map<String, String> env) {
    String ns = env.getOrDefault("WATCH_NAMESPACES", "").trim();
    return new OperatorSettings(
        ns.isEmpty() ? Set.of() : Set.of(ns.split("\\s*,\\s*")),
        Integer.parseInt(env.getOrDefault("HEALTH_PORT", "8081")),
        emptyToNull(env.getOrDefault("LEADER_ELECTION_NAMESPACE", env.get("POD_NAMESPACE"))),
        env.getOrDefault("LEADER_ELECTION_LEASE", "kaleem-operator-leader"),
        Duration.parse(env.getOrDefault("INDEX_RESYNC", "PT5M")),
        Duration.parse(env.getOrDefault("MONGO_TIMEOUT", "PT5S")),
        Duration.parse(env.getOrDefault("BACKOFF_BASE", "PT2S")),
        Duration.parse(env.getOrDefault("BACKOFF_MAX", "PT2M")),
        Duration.parse(env.getOrDefault("ROLLOUT_POLL", "PT5S")),
        Duration.parse(env.getOrDefault("CRD_CHECK_INTERVAL", "PT1M")),
        Duration.parse(env.getOrDefault("RESYNC", "PT10M")),
        Integer.parseInt(env.getOrDefault("CONCURRENT_RECONCILES", "10")));
  }

  private static String emptyToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
