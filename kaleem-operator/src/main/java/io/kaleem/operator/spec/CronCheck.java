package io.kaleem.operator.spec;

import java.util.Locale;
import java.util.Optional;

/**
 * Checks a six-field Spring cron expression (second minute hour day-of-month month day-of-week) the
 * way Spring's CronExpression parses it, without depending on Spring: field count, ranges, steps,
 * lists, names and the {@code ?}, {@code L}, {@code W}, {@code #} forms Spring accepts.
 */
public final class CronCheck {

  private static final String[] FIELDS = {
    "second", "minute", "hour", "day-of-month", "month", "day-of-week"
  };
  private static final int[] MIN = {0, 0, 0, 1, 1, 0};
  private static final int[] MAX = {59, 59, 23, 31, 12, 7};
  private static final String[] MONTHS = {
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
  };
  private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

  private CronCheck() {}

  /** A problem with the expression, or empty when Spring would accept it. */
  public static Optional<String> problem(String expression) {
    if (expression == null || expression.isBlank()) {
      return Optional.of("cron expression is empty");
    }
    String e = expression.trim();
    if (e.startsWith("@")) {
      return switch (e.toLowerCase(Locale.ROOT)) {
        case "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly" ->
            Optional.empty();
        default -> Optional.of("unknown cron macro " + e);
      };
    }
    String[] parts = e.split("\\s+");
    if (parts.length != 6) {
      return Optional.of(
          "cron expression '"
              + e
              + "' has "
              + parts.length
              + " fields; Spring needs 6: second minute hour day-of-month month day-of-week");
    }
    for (int i = 0; i < 6; i++) {
      Optional<String> p = field(i, parts[i].toUpperCase(Locale.ROOT));
      if (p.isPresent()) {
        return Optional.of("cron " + FIELDS[i] + " field '" + parts[i] + "': " + p.get());
      }
    }
    return Optional.empty();
  }

  private static Optional<String> field(int i, String f) {
    for (String item : f.split(",", -1)) {
      if (item.isEmpty()) {
        return Optional.of("empty list item");
      }
      if ((i == 3 || i == 5) && item.equals("?")) {
        continue;
      }
      if (i == 3
          && (item.equals("L")
              || item.matches("L-\\d{1,2}")
              || item.matches("\\d{1,2}W")
              || item.equals("LW"))) {
        continue;
      }
      if (i == 5 && (item.matches("[0-7A-Z]{1,3}L") || item.matches("[0-7A-Z]{1,3}#[1-5]"))) {
        String day = item.replaceAll("(L|#[1-5])$", "");
        if (value(i, day) < 0) {
          return Optional.of("unknown day '" + day + "'");
        }
        continue;
      }
      String range = item;
      if (item.contains("/")) {
        String[] s = item.split("/", -1);
        if (s.length != 2 || !s[1].matches("\\d{1,4}") || Integer.parseInt(s[1]) == 0) {
          return Optional.of("bad step in '" + item + "'");
        }
        range = s[0];
      }
      if (range.equals("*")) {
        continue;
      }
      String[] bounds = range.split("-", -1);
      if (bounds.length > 2) {
        return Optional.of("bad range '" + range + "'");
      }
      int lo = value(i, bounds[0]);
      int hi = bounds.length == 2 ? value(i, bounds[1]) : lo;
      if (lo < 0 || hi < 0) {
        return Optional.of("'" + range + "' is outside " + MIN[i] + "-" + MAX[i]);
      }
      if (lo > hi) {
        return Optional.of("range '" + range + "' runs backwards");
      }
    }
    return Optional.empty();
  }

  private static int value(int i, String s) {
    if (s.matches("\\d{1,2}")) {
      int v = Integer.parseInt(s);
      return v >= MIN[i] && v <= MAX[i] ? v : -1;
    }
    String[] names = i == 4 ? MONTHS : i == 5 ? DAYS : null;
    if (names != null) {
      for (int n = 0; n < names.length; n++) {
        if (names[n].equals(s)) {
          return i == 4 ? n + 1 : n;
        }
      }
    }
    return -1;
  }
}
