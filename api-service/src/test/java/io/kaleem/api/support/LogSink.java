package io.kaleem.api.support;

import ch.qos.logback.classic.LoggerContext;
import io.kaleem.api.observability.logging.WarningsFirstAsyncAppender;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What tests that read the log need now that lines are written by the asynchronous appender's
 * consumer thread: a way to wait until every line logged so far has reached stdout.
 */
public final class LogSink {

  private LogSink() {}

  /**
   * Waits (at most 30 s) until the application's asynchronous appender has written every event
   * published to it. Its buffer's free-slot count moves only after the delegate appender returned,
   * so an empty buffer means written, not just taken. Seen empty twice 50 ms apart, so a line a
   * request's last operator logs just after the response reached the test is included too.
   */
  public static void awaitWritten() {
    WarningsFirstAsyncAppender async = appender();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    int emptyInARow = 0;
    while (emptyInARow < 2) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(async.queued() + " log events still queued after 30 s");
      }
      emptyInARow = async.queued() == 0 ? emptyInARow + 1 : 0;
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
  }

  /** The application's asynchronous appender, as {@code logback.xml} names it. */
  public static WarningsFirstAsyncAppender appender() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    return (WarningsFirstAsyncAppender)
        context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("ASYNC");
  }
}
