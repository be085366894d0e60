package io.kaleem.api.observability.logging;

import static net.logstash.logback.argument.StructuredArguments.kv;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.OutputStreamAppender;
import io.kaleem.api.observability.logging.DroppedLogLines.Reason;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The appender on its own logback context, with a delegate the test controls: a sink that stops (a
 * stdout nobody reads) never holds up the logging thread, what does not fit is dropped and counted,
 * warnings keep the reserve, and stopping the context writes what was queued.
 */
class WarningsFirstAsyncAppenderTest {

  private final LoggerContext context = new LoggerContext();

  WarningsFirstAsyncAppenderTest() {
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
  }

  @AfterEach
  void stop() {
    context.stop();
  }

  /** A delegate that holds the consumer thread until {@link #open} (a sink that stopped). */
  static final class GatedSink extends AppenderBase<ILoggingEvent> {
    final CountDownLatch open = new CountDownLatch(1);
    final CountDownLatch entered = new CountDownLatch(1);
    final List<ILoggingEvent> written = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
      entered.countDown();
      try {
        open.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      written.add(event);
    }
  }

  private Logger logger(
      WarningsFirstAsyncAppender async, ch.qos.logback.core.Appender<ILoggingEvent> sink) {
    sink.setContext(context);
    sink.start();
    async.setContext(context);
    async.addAppender(sink);
    async.start();
    Logger logger = context.getLogger("test");
    logger.setAdditive(false);
    logger.addAppender(async);
    return logger;
  }

  @Test
  void aStoppedSinkDropsAndCountsWhatDoesNotFitAndKeepsTheReserveForWarnings() throws Exception {
    GatedSink sink = new GatedSink();
    WarningsFirstAsyncAppender async = new WarningsFirstAsyncAppender();
    async.setRingBufferSize(64);
    async.setReservedForWarnings(8);
    Logger logger = logger(async, sink);
    long infoBefore = DroppedLogLines.count(Reason.QUEUE_FULL, Level.INFO);
    long warnBefore = DroppedLogLines.count(Reason.QUEUE_FULL, Level.WARN);
    long errorBefore = DroppedLogLines.count(Reason.QUEUE_FULL, Level.ERROR);

    logger.info("first");
    assertThat(sink.entered.await(30, TimeUnit.SECONDS)).isTrue();
    // The consumer holds "first" inside the sink: its slot stays taken until the sink returns.
    for (int i = 0; i < 200; i++) {
      logger.info("info {}", i);
    }
    for (int i = 0; i < 8; i++) {
      logger.warn("kept warning {}", i);
    }
    for (int i = 0; i < 5; i++) {
      logger.warn("warning over capacity {}", i);
      logger.error("error over capacity {}", i);
    }

    int acceptedInfo = 64 - 1 - 8;
    assertThat(DroppedLogLines.count(Reason.QUEUE_FULL, Level.INFO) - infoBefore)
        .isEqualTo(200 - acceptedInfo);
    assertThat(DroppedLogLines.count(Reason.QUEUE_FULL, Level.WARN) - warnBefore).isEqualTo(5);
    assertThat(DroppedLogLines.count(Reason.QUEUE_FULL, Level.ERROR) - errorBefore).isEqualTo(5);

    sink.open.countDown();
    context.stop();
    List<String> messages = sink.written.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(messages).hasSize(1 + acceptedInfo + 8);
    assertThat(messages.get(0)).isEqualTo("first");
    assertThat(messages).contains("info 0", "info " + (acceptedInfo - 1));
    assertThat(messages.subList(messages.size() - 8, messages.size()))
        .containsExactly(
            "kept warning 0",
            "kept warning 1",
            "kept warning 2",
            "kept warning 3",
            "kept warning 4",
            "kept warning 5",
            "kept warning 6",
            "kept warning 7");
  }

  @Test
  void stoppingTheContextWritesEverythingQueued() {
    List<String> written = new CopyOnWriteArrayList<>();
    AppenderBase<ILoggingEvent> slowSink =
        new AppenderBase<>() {
          @Override
          protected void append(ILoggingEvent event) {
            // A slow sink: the queue is still full when the context stops.
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            written.add(event.getFormattedMessage());
          }
        };
    WarningsFirstAsyncAppender async = new WarningsFirstAsyncAppender();
    async.setRingBufferSize(1024);
    Logger logger = logger(async, slowSink);
    for (int i = 0; i < 500; i++) {
      logger.info("line {}", i);
    }
    context.stop();
    assertThat(written).hasSize(500).startsWith("line 0").endsWith("line 499");
  }

  /** A value whose serialisation throws: the JSON encoder meets it on the consumer thread. */
  public static final class Unserialisable {
    public String getValue() {
      throw new IllegalStateException("cannot be read");
    }
  }

  @Test
  void aLineThatCannotBeSerialisedIsDroppedAndCountedAndTheNextIsWritten() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonLineEncoder encoder = new JsonLineEncoder();
    encoder.setContext(context);
    encoder.start();
    OutputStreamAppender<ILoggingEvent> sink = new OutputStreamAppender<>();
    sink.setEncoder(encoder);
    sink.setOutputStream(out);
    Logger logger = logger(new WarningsFirstAsyncAppender(), sink);
    long before = DroppedLogLines.count(Reason.UNSERIALISABLE, Level.INFO);

    logger.info("broken", kv("payload", new Unserialisable()));
    logger.info("after the broken one");
    context.stop();

    String written = out.toString(StandardCharsets.UTF_8);
    assertThat(written).contains("after the broken one").doesNotContain("\"broken\"");
    assertThat(written.lines()).hasSize(1);
    assertThat(DroppedLogLines.count(Reason.UNSERIALISABLE, Level.INFO) - before).isEqualTo(1);
  }
}
