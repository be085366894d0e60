package io.kaleem.api.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.support.AmqpHeaders;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.stereotype.Component;
import org.springframework.util.MimeTypeUtils;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Publishes one outbox event through Spring Cloud Stream's RabbitMQ binder and completes only when
 * the broker confirmed it. The binder's {@code useConfirmHeader} mode hands the {@link
 * CorrelationData} in {@link AmqpHeaders#PUBLISH_CONFIRM_CORRELATION} to the broker's publisher
 * confirm (correlated confirms): its future completes with the broker's ack or nack for exactly
 * this message. A nack, a returned send error (broker unreachable) or no confirm within the timeout
 * is a failure; the event stays pending.
 */
@Component
class EventPublisher {

  static final String BINDING = "kaleemEvents";

  /** The routing key header the binding's routing-key-expression reads. */
  static final String TYPE_HEADER = "kaleem_event_type";

  private final StreamBridge bridge;
  private final Duration confirmTimeout;

  /** Sends block on the AMQP channel write: never on an event-loop thread. */
  private final Scheduler sends = Schedulers.newBoundedElastic(16, 100_000, "outbox-publish");

  EventPublisher(StreamBridge bridge, MessagingProperties props) {
    this.bridge = bridge;
    this.confirmTimeout = props.relay().confirmTimeout();
  }

  /** Completes with {@code event} once the broker confirmed it; errors otherwise. */
  Mono<OutboxEvent> publish(OutboxEvent event) {
    return Mono.fromCallable(
            () -> {
              CorrelationData confirm = new CorrelationData(event.id().toHexString());
              Message<byte[]> message =
                  MessageBuilder.withPayload(event.payload().getBytes(StandardCharsets.UTF_8))
                      .setHeader(TYPE_HEADER, event.type())
                      .setHeader(AmqpHeaders.MESSAGE_ID, event.id().toHexString())
                      .setHeader(AmqpHeaders.PUBLISH_CONFIRM_CORRELATION, confirm)
                      .setHeader("contentType", MimeTypeUtils.APPLICATION_JSON_VALUE)
                      .build();
              if (!bridge.send(BINDING, message)) {
                throw new PublishFailedException(event, "the binder refused the message");
              }
              return confirm;
            })
        .subscribeOn(sends)
        .flatMap(confirm -> Mono.fromFuture(confirm.getFuture()))
        .timeout(confirmTimeout)
        .flatMap(
            c ->
                c.ack()
                    ? Mono.just(event)
                    : Mono.error(new PublishFailedException(event, "nacked: " + c.reason())));
  }

  void close() {
    sends.dispose();
  }

  /** The broker did not take an event; it stays pending and is retried by a later round. */
  static final class PublishFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PublishFailedException(OutboxEvent event, String why) {
      super("event " + event.id() + " (" + event.type() + ") not confirmed: " + why);
    }
  }
}
