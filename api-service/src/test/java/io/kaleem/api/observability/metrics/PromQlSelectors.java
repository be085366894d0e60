package io.kaleem.api.observability.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The series selectors of a PromQL expression: each metric name with the label names its matchers
 * use. Enough PromQL for our rules and dashboards (functions, aggregations with {@code by}/{@code
 * without}, binary operators, range selectors, Grafana variables); not a full parser.
 */
final class PromQlSelectors {

  /** A metric name and the label names matched on it. */
  record Selector(String metric, Set<String> labels) {}

  private static final Set<String> KEYWORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "and",
          "or",
          "unless",
          "offset",
          "inf",
          "nan");

  private static final Pattern GROUPING =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*\\]");
  private static final Pattern TOKEN =
      Pattern.compile("([A-Za-z_:][A-Za-z0-9_:]*)\\s*(\\{[^}]*\\})?\\s*(\\()?");
  private static final Pattern MATCHER =
      Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!~|!=|=)");

  private PromQlSelectors() {}

  static List<Selector> of(String promql) {
    // Label values are strings: blank them first, so nothing inside one is read as a name.
    String q = STRING.matcher(promql).replaceAll("\"\"");
    q = GROUPING.matcher(q).replaceAll(" ");
    q = RANGE.matcher(q).replaceAll("");
    q = q.replaceAll("\\$[A-Za-z_]+", "0");
    List<Selector> out = new ArrayList<>();
    Matcher m = TOKEN.matcher(q);
    while (m.find()) {
      String name = m.group(1);
      boolean call = m.group(3) != null && m.group(2) == null;
      if (call || KEYWORDS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        continue;
      }
      if (m.start() > 0 && Character.isDigit(q.charAt(m.start() - 1))) {
        continue; // the exponent or unit of a number literal (1e3, 5m)
      }
      Set<String> labels = new java.util.TreeSet<>();
      if (m.group(2) != null) {
        Matcher lm = MATCHER.matcher(m.group(2));
        while (lm.find()) {
          labels.add(lm.group(1));
        }
      }
      out.add(new Selector(name, labels));
    }
    return out;
  }

  /** Selectors of many expressions, merged per metric name. */
  static Map<String, Set<String>> merged(Iterable<String> queries) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    for (String q : queries) {
      for (Selector s : of(q)) {
        out.computeIfAbsent(s.metric(), k -> new java.util.TreeSet<>()).addAll(s.labels());
      }
    }
    return out;
  }
}
