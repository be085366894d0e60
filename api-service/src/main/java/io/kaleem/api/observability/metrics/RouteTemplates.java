package io.kaleem.api.observability.metrics;

import io.kaleem.crds.metrics.MetricNames;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.server.PathContainer;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.result.method.RequestMappingInfoHandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;

/**
 * The {@code route} label of a request: the template of the handler that served it, never the raw
 * path. A request refused before dispatch (401, 403, 429, a firewall 400) has no handler yet; it
 * gets the most specific template its path matches, from the application's own route table, so a
 * refusal on {@code /api/v1/merchants/{merchantId}/orders} is counted on that route. Any other path
 * is {@link MetricNames#ROUTE_UNMATCHED}: the set of values is the route table plus one.
 */
@Component
public class RouteTemplates {

  /**
   * The static-resource handler's pattern: it "matches" every path and answers 404 for unknown
   * ones, so it names no route.
   */
  static final String CATCH_ALL = "/**";

  private final ObjectProvider<RequestMappingInfoHandlerMapping> mappings;
  private volatile List<PathPattern> patterns;

  public RouteTemplates(ObjectProvider<RequestMappingInfoHandlerMapping> mappings) {
    this.mappings = mappings;
  }

  /** The route label for a finished exchange. */
  public String of(ServerWebExchange exchange) {
    Object matched = exchange.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
    if (matched instanceof PathPattern p && !CATCH_ALL.equals(p.getPatternString())) {
      return p.getPatternString();
    }
    PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
    for (PathPattern p : patterns()) {
      if (p.matches(path)) {
        return p.getPatternString();
      }
    }
    return MetricNames.ROUTE_UNMATCHED;
  }

  /** Every mapped template, most specific first (read once: the route table is fixed at start). */
  private List<PathPattern> patterns() {
    List<PathPattern> p = patterns;
    if (p == null) {
      List<PathPattern> all = new ArrayList<>();
      mappings
          .orderedStream()
          .forEach(
              m ->
                  m.getHandlerMethods()
                      .keySet()
                      .forEach(info -> all.addAll(info.getPatternsCondition().getPatterns())));
      all.removeIf(pattern -> CATCH_ALL.equals(pattern.getPatternString()));
      all.sort(PathPattern.SPECIFICITY_COMPARATOR);
      p = List.copyOf(all);
      patterns = p;
    }
    return p;
  }
}
