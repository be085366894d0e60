package io.kaleem.operator.rollout;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Prometheus endpoints analysis may query, from the operator's own configuration ({@code
 * ANALYSIS_PROVIDERS=default=http://prometheus-operated.monitoring:9090,...}). A tenant's spec
 * names one; it can never make the operator fetch a URL of its choosing.
 */
public record AnalysisProviders(Map<String, URI> endpoints) {

  public static final AnalysisProviders NONE = new AnalysisProviders(Map.of());

  public AnalysisProviders {
    endpoints = Map.copyOf(endpoints);
  }

  public Optional<URI> find(String name) {
    return Optional.ofNullable(name == null ? null : endpoints.get(name));
  }

  /** Parses {@code name=url[,name=url...]}; refuses anything but plain http(s) URLs. */
  public static AnalysisProviders parse(String value) {
    Map<String, URI> m = new LinkedHashMap<>();
    if (value == null || value.isBlank()) {
      return NONE;
    }
    for (String entry : value.split(",")) {
      String e = entry.trim();
      int eq = e.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("ANALYSIS_PROVIDERS: expected name=url, got " + e);
      }
      String name = e.substring(0, eq).trim();
      URI uri = URI.create(e.substring(eq + 1).trim());
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null
          || uri.getUserInfo() != null
          || uri.getQuery() != null) {
        throw new IllegalArgumentException(
            "ANALYSIS_PROVIDERS: " + name + " must be a plain http(s) URL without credentials");
      }
      m.put(name, uri);
    }
    return new AnalysisProviders(m);
  }
}
