package io.kaleem.api.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.kaleem.api.errors.ApiException;
import io.kaleem.crds.metrics.MetricNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The consumers' dead-letter queues: how deep they are, what is in them, and replaying them. The
 * binder names a group's queue {@code <exchange>.<group>} and its DLQ {@code
 * <exchange>.<group>.dlq}; a failed message arrives there after its retry budget with the binder's
 * {@code x-exception-message} header. Replay moves messages back to the consumer's own queue
 * (through the default exchange, so other consumers do not see them twice), each one acknowledged
 * in the DLQ only after the broker confirmed its copy: a crash mid-replay duplicates, never loses.
 *
 * <p>Uses a plain AMQP connection of its own for these rare admin operations, with publisher
 * confirms on its one channel.
 */
@Component
public class DeadLetters {

  /** Consumers with a dead-letter queue. */
  public static final List<String> CONSUMERS =
      List.of(MerchantStatisticsConsumer.NAME, NotificationConsumer.NAME);

  static final int MAX_LIMIT = 1000;

  private final CachingConnectionFactory connections;
  private final String exchange;
  private final Map<String, AtomicLong> depths = new LinkedHashMap<>();
  private Disposable refresher;

  DeadLetters(
      CachingConnectionFactory connections, MessagingProperties props, MeterRegistry meters) {
    this.connections = connections;
    this.exchange = props.exchange();
    for (String c : CONSUMERS) {
      AtomicLong depth = new AtomicLong();
      depths.put(c, depth);
      Gauge.builder(MetricNames.DLQ_DEPTH, depth, AtomicLong::get)
          .tag(MetricNames.LABEL_QUEUE, dlq(c))
          .description("Messages waiting in a consumer's dead-letter queue")
          .register(meters);
    }
  }

  /** A dead-lettered message as the admin endpoint shows it. */
  public record DeadLetter(
      String messageId, String routingKey, String error, String cause, String payload) {}

  /** One DLQ's state. */
  public record QueueState(String consumer, String queue, long depth) {}

  String queue(String consumer) {
    return exchange + "." + consumer;
  }

  String dlq(String consumer) {
    return queue(consumer) + ".dlq";
  }

  @EventListener(ApplicationReadyEvent.class)
  void startRefreshing() {
    refresher =
        Flux.interval(Duration.ofSeconds(1), Duration.ofSeconds(10))
            .concatMap(
                t ->
                    Mono.fromRunnable(this::refreshQuietly)
                        .subscribeOn(Schedulers.boundedElastic()),
                1)
            .subscribe();
  }

  private void refreshQuietly() {
    try {
      states();
    } catch (RuntimeException brokerDown) {
      // The gauges keep their last values; health reports the broker.
    }
  }

  @jakarta.annotation.PreDestroy
  void stop() {
    if (refresher != null) {
      refresher.dispose();
    }
  }

  /** The depth of every DLQ (blocking; updates the gauges). */
  public List<QueueState> states() {
    return withChannel(
        channel -> {
          List<QueueState> out = new ArrayList<>();
          for (String c : CONSUMERS) {
            long depth;
            try {
              depth = channel.get().queueDeclarePassive(dlq(c)).getMessageCount();
            } catch (IOException notDeclaredYet) {
              // A passive declare of a missing queue closes the channel: open a new one.
              channel.reopen();
              depth = 0;
            }
            depths.get(c).set(depth);
            out.add(new QueueState(c, dlq(c), depth));
          }
          return out;
        });
  }

  /** Up to {@code limit} messages at the head of the consumer's DLQ, left in place. */
  public List<DeadLetter> peek(String consumer, int limit) {
    String q = dlq(known(consumer));
    int n = checkedLimit(limit);
    return withChannel(
        channel -> {
          Channel ch = channel.get();
          List<DeadLetter> out = new ArrayList<>();
          long last = -1;
          for (int i = 0; i < n; i++) {
            GetResponse r = ch.basicGet(q, false);
            if (r == null) {
              break;
            }
            last = r.getEnvelope().getDeliveryTag();
            out.add(view(r));
          }
          if (last >= 0) {
            ch.basicNack(last, true, true);
          }
          return out;
        });
  }

  /**
   * Moves up to {@code limit} messages from the consumer's DLQ back to its queue, oldest first; the
   * number moved.
   */
  public int replay(String consumer, int limit) {
    String name = known(consumer);
    String q = dlq(name);
    String target = queue(name);
    int n = checkedLimit(limit);
    return withChannel(
        channel -> {
          Channel ch = channel.get();
          ch.confirmSelect();
          int moved = 0;
          for (int i = 0; i < n; i++) {
            GetResponse r = ch.basicGet(q, false);
            if (r == null) {
              break;
            }
            AMQP.BasicProperties props = withoutDeathHistory(r.getProps());
            ch.basicPublish("", target, true, props, r.getBody());
            ch.waitForConfirmsOrDie(10_000);
            ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
            moved++;
          }
          return moved;
        });
  }

  /** A replayed message starts a fresh retry budget. */
  private static AMQP.BasicProperties withoutDeathHistory(AMQP.BasicProperties p) {
    Map<String, Object> headers =
        p.getHeaders() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(p.getHeaders());
    headers.remove("x-death");
    return p.builder().headers(headers).build();
  }

  private static DeadLetter view(GetResponse r) {
    Map<String, Object> h =
        r.getProps().getHeaders() == null ? Map.of() : r.getProps().getHeaders();
    Object error = h.get("x-exception-message");
    Object key = h.getOrDefault("x-original-routingKey", r.getEnvelope().getRoutingKey());
    return new DeadLetter(
        r.getProps().getMessageId(),
        key == null ? null : key.toString(),
        error == null ? null : error.toString(),
        rootCause(h.get("x-exception-stacktrace")),
        new String(r.getBody(), StandardCharsets.UTF_8));
  }

  /** The innermost "Caused by:" of the binder's stack trace header: what actually failed. */
  static String rootCause(Object stackTrace) {
    if (stackTrace == null) {
      return null;
    }
    String cause = null;
    for (String line : stackTrace.toString().split("\\R")) {
      if (line.startsWith("Caused by: ")) {
        cause = line.substring("Caused by: ".length());
      }
    }
    return cause;
  }

  private static String known(String consumer) {
    if (!CONSUMERS.contains(consumer)) {
      throw ApiException.notFound("dead-letter queue", consumer);
    }
    return consumer;
  }

  private static int checkedLimit(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw ApiException.invalidField("limit", "must be between 1 and " + MAX_LIMIT);
    }
    return limit;
  }

  private interface ChannelWork<T> {
    T run(ReopenableChannel channel) throws IOException, InterruptedException, TimeoutException;
  }

  /** A channel that can be replaced after the broker closed it (a failed passive declare). */
  private static final class ReopenableChannel {
    private final Connection connection;
    private Channel channel;

    ReopenableChannel(Connection connection) throws IOException {
      this.connection = connection;
      this.channel = connection.createChannel();
    }

    Channel get() {
      return channel;
    }

    void reopen() throws IOException {
      channel = connection.createChannel();
    }
  }

  private <T> T withChannel(ChannelWork<T> work) {
    try (Connection connection =
        connections.getRabbitConnectionFactory().newConnection("kaleem-dead-letters")) {
      return work.run(new ReopenableChannel(connection));
    } catch (IOException | TimeoutException e) {
      throw new IllegalStateException("broker unavailable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
