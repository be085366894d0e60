package io.kaleem.api.observability.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.io.IOException;
import java.io.PrintStream;

/**
 * Logback's console appender on stdout that counts the lines stdout refused ({@link
 * DroppedLogLines.Reason#WRITE_FAILED}). {@code System.out} is a {@link PrintStream}: it never
 * throws, it records a failure (a closed pipe: the log collector went away) in a sticky error flag.
 * So after each line the flag is read; once it is set every later line is counted, which is right
 * for the failures it records (a closed descriptor does not reopen). Runs on the asynchronous
 * appender's consumer thread only, so the flush {@code checkError} does costs no request anything.
 */
public class StdoutAppender extends ConsoleAppender<ILoggingEvent> {

  @Override
  protected void writeOut(ILoggingEvent event) throws IOException {
    super.writeOut(event);
    if (System.out.checkError()) {
      DroppedLogLines.record(DroppedLogLines.Reason.WRITE_FAILED, event.getLevel());
    }
  }
}
