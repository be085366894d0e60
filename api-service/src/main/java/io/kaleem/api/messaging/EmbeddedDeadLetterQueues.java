package io.kaleem.api.messaging;

import java.util.ArrayList;
import java.util.List;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Dead-letter queues on the embedded broker (Qpid Broker-J), where the binder cannot declare them:
 * its {@code auto-bind-dlq} puts RabbitMQ's {@code x-dead-letter-exchange} argument on the consumer
 * queue, which Qpid refuses. Embedded, {@code auto-bind-dlq} is off and {@code republish-to-dlq} on
 * (ExchangeNamePinning): after its retries the binder publishes the failed message itself, with the
 * failure in its headers, to the {@value #DLX} exchange under the consumer queue's name. These
 * declarations (Boot's RabbitAdmin makes them on every connect) route it to {@code <queue>.dlq},
 * the name {@link DeadLetters} lists and replays, bounded like RabbitMQ's by Qpid's own ring
 * policy: past {@value #MAX_LENGTH} messages the oldest is dropped.
 */
@Configuration(proxyBeanMethods = false)
class EmbeddedDeadLetterQueues {

  /** The binder's default dead-letter exchange (direct). */
  static final String DLX = "DLX";

  static final int MAX_LENGTH = 10_000;

  @Bean
  @Conditional(BrokerConnectionConfiguration.EmbeddedBrokerWanted.class)
  Declarables embeddedDeadLetterDeclarations(MessagingProperties props) {
    DirectExchange dlx = new DirectExchange(DLX);
    List<Declarable> all = new ArrayList<>();
    all.add(dlx);
    for (String consumer : DeadLetters.CONSUMERS) {
      String queue = props.exchange() + "." + consumer;
      Queue dlq =
          QueueBuilder.durable(queue + ".dlq")
              .withArgument("qpid.max_count", MAX_LENGTH)
              .withArgument("qpid.policy_type", "ring")
              .build();
      Binding binding = BindingBuilder.bind(dlq).to(dlx).with(queue);
      all.add(dlq);
      all.add(binding);
    }
    return new Declarables(all);
  }
}
