package io.kaleem.api.observability.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import net.logstash.logback.encoder.LogstashEncoder;

/**
 * The Logstash JSON encoder, configured in {@code logback.xml}, with one difference: an event it
 * cannot serialise (a key-value or argument whose getters throw, a cycle Jackson refuses) is
 * dropped and counted ({@link DroppedLogLines.Reason#UNSERIALISABLE}) instead of surfacing as an
 * appender error. The failure is reported with the exception's class only: the event's text may
 * hold the very secrets redaction exists for, and nothing here has redacted it.
 */
public class JsonLineEncoder extends LogstashEncoder {

  private static final byte[] NOTHING = new byte[0];

  @Override
  public byte[] encode(ILoggingEvent event) {
    try {
      return super.encode(event);
    } catch (RuntimeException e) {
      DroppedLogLines.record(DroppedLogLines.Reason.UNSERIALISABLE, event.getLevel());
      return NOTHING;
    }
  }
}
