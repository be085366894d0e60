package io.kaleem.operator;

import io.kaleem.operator.rollout.AnalysisProviders;
import java.time.Clock;
import java.util.Map;

/**
 * What the operator is given beyond its settings.
 *
 * @param clock every rollout decision reads time from it (tests drive a simulated one)
 * @param analysisProviders the Prometheus endpoints a tenant's analysis may name
 * @param podAnnotations platform-wide annotations added to every tenant's pod template ({@code
 *     POD_ANNOTATIONS=key=value,...}); part of the rendering, so changing them rolls out a new
 *     revision everywhere, never re-deploying a revision known bad
 */
public record OperatorOptions(
    Clock clock, AnalysisProviders analysisProviders, Map<String, String> podAnnotations) {

  public OperatorOptions {
    podAnnotations = Map.copyOf(podAnnotations);
  }

  public static OperatorOptions defaults() {
    return new OperatorOptions(Clock.systemUTC(), AnalysisProviders.NONE, Map.of());
  }

  public static OperatorOptions fromEnvironment(Map<String, String> env) {
    java.util.Map<String, String> ann = new java.util.LinkedHashMap<>();
    String raw = env.getOrDefault("POD_ANNOTATIONS", "").trim();
    if (!raw.isEmpty()) {
      for (String kv : raw.split(",")) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("POD_ANNOTATIONS: expected key=value, got " + kv);
        }
        ann.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
      }
    }
    return new OperatorOptions(
        Clock.systemUTC(), AnalysisProviders.parse(env.get("ANALYSIS_PROVIDERS")), ann);
  }

  public OperatorOptions withClock(Clock c) {
    return new OperatorOptions(c, analysisProviders, podAnnotations);
  }

  public OperatorOptions withAnalysisProviders(AnalysisProviders p) {
    return new OperatorOptions(clock, p, podAnnotations);
  }

  public OperatorOptions withPodAnnotations(Map<String, String> a) {
    return new OperatorOptions(clock, analysisProviders, a);
  }
}
