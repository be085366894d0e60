package io.kaleem.api.observability.logging;

import ch.qos.logback.classic.Level;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * Log lines the application produced but never wrote, by why and at what level. JVM-wide, like the
 * logback context the appenders live in: logback creates the appenders from {@code logback.xml}
 * before Spring exists (and again when Spring re-initialises logging), so the counts live here, not
 * in an appender instance, and survive every re-initialisation. Counting is a {@link LongAdder}
 * increment: safe and cheap on any thread, event loops included.
 */
public final class DroppedLogLines {

  /** Why a line was not written. */
  public enum Reason {
    /** The asynchronous appender's queue had no room for it (the sink is slower than the app). */
    QUEUE_FULL,
    /** The JSON encoder failed on it (a value Jackson cannot serialise). */
    UNSERIALISABLE,
    /** stdout refused it (closed: nobody reads the other end of the pipe any more). */
    WRITE_FAILED;

    /** The metric label value. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The levels counted apart; anything else (none exists in logback) counts as TRACE. */
  public static final List<Level> LEVELS =
      List.of(Level.ERROR, Level.WARN, Level.INFO, Level.DEBUG, Level.TRACE);

  private static final LongAdder[][] COUNTS = new LongAdder[Reason.values().length][LEVELS.size()];

  static {
    for (LongAdder[] byLevel : COUNTS) {
      for (int i = 0; i < byLevel.length; i++) {
        byLevel[i] = new LongAdder();
      }
    }
  }

  private DroppedLogLines() {}

  /** Counts one line of {@code level} dropped for {@code reason}. */
  public static void record(Reason reason, Level level) {
    COUNTS[reason.ordinal()][index(level)].increment();
  }

  /** Lines of {@code level} dropped for {@code reason} since the JVM started. */
  public static long count(Reason reason, Level level) {
    return COUNTS[reason.ordinal()][index(level)].sum();
  }

  /** Lines dropped for {@code reason}, all levels. */
  public static long count(Reason reason) {
    long sum = 0;
    for (LongAdder a : COUNTS[reason.ordinal()]) {
      sum += a.sum();
    }
    return sum;
  }

  /** Every line dropped since the JVM started. */
  public static long total() {
    long sum = 0;
    for (Reason r : Reason.values()) {
      sum += count(r);
    }
    return sum;
  }

  private static int index(Level level) {
    int i = level == null ? -1 : LEVELS.indexOf(level);
    return i < 0 ? LEVELS.size() - 1 : i;
  }
}
