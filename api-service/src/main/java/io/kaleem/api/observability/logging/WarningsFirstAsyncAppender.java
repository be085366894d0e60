package io.kaleem.api.observability.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.util.Duration;
import net.logstash.logback.appender.LoggingEventAsyncDisruptorAppender;

/**
 * The asynchronous appender every log line goes through: the logging thread (an event loop, most of
 * the time) only publishes the event into a bounded lock-free ring buffer (LMAX Disruptor, a
 * compare-and-set); one consumer thread encodes and writes it to the delegate (the JSON console
 * appender). A full buffer drops the line at once and counts it ({@link DroppedLogLines}): nothing
 * ever waits for stdout.
 *
 * <p>Warnings first: once fewer than {@code reservedForWarnings} slots are free (default one eighth
 * of the buffer), lines below WARN are dropped (and counted) so the remaining room keeps WARN and
 * ERROR lines, as logback's {@code AsyncAppender} does with its discarding threshold. The free-slot
 * check is a read of the consumer's position, not a reservation: two racing threads may both pass
 * it, so the reserve is a preference, never a guarantee; drops are counted exactly either way.
 *
 * <p>The superclass's own reporting is turned off because it would break both promises: its default
 * status listener prints to stdout synchronously (on the logging thread, and in plain text), and
 * its "dropped N events" warnings go to that listener. Drops are reported by {@link
 * DroppedLogLinesReporter} and the {@code log_events_dropped_total} metric instead.
 */
public final class WarningsFirstAsyncAppender extends LoggingEventAsyncDisruptorAppender {

  private int reservedForWarnings = -1;

  public WarningsFirstAsyncAppender() {
    setAddDefaultStatusListener(false);
    setDroppedWarnFrequency(0);
    // 0: a full buffer drops at once (never retries or waits on the logging thread).
    setAppendTimeout(Duration.buildByMilliseconds(0));
  }

  /** Free slots below which lines under WARN are dropped; default: a eighth of the buffer. */
  public void setReservedForWarnings(int reservedForWarnings) {
    this.reservedForWarnings = reservedForWarnings;
  }

  public int getReservedForWarnings() {
    return reservedForWarnings;
  }

  @Override
  public void start() {
    if (reservedForWarnings < 0) {
      reservedForWarnings = getRingBufferSize() / 8;
    }
    super.start();
  }

  @Override
  protected void append(ILoggingEvent event) {
    if (!event.getLevel().isGreaterOrEqual(Level.WARN)
        && getDisruptor().getRingBuffer().remainingCapacity() <= reservedForWarnings) {
      DroppedLogLines.record(DroppedLogLines.Reason.QUEUE_FULL, event.getLevel());
      return;
    }
    super.append(event);
  }

  @Override
  protected void fireEventAppendFailed(ILoggingEvent event, Throwable reason) {
    DroppedLogLines.record(DroppedLogLines.Reason.QUEUE_FULL, event.getLevel());
    super.fireEventAppendFailed(event, reason);
  }

  /** Events published and not yet written (tests wait for the consumer with this). */
  public long queued() {
    return getRingBufferSize() - getDisruptor().getRingBuffer().remainingCapacity();
  }
}
