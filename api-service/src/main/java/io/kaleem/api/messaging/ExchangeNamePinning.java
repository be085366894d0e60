package io.kaleem.api.messaging;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Settles the messaging properties before any binding reads them. Resolves {@code
 * kaleem.messaging.exchange} and {@code kaleem.messaging.instance-id} once and pins the results.
 * Both are read by several bindings (and by the binder's own child contexts); a value with {@code
 * ${random.uuid}} in it (each replica's live-update queue, each test application's exchange) would
 * otherwise resolve to a different name at each read.
 */
public class ExchangeNamePinning implements EnvironmentPostProcessor, Ordered {

  static final List<String> PINNED =
      List.of("kaleem.messaging.exchange", "kaleem.messaging.instance-id");
  static final String SOURCE = "kaleemPinnedExchange";

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    if (environment.getPropertySources().contains(SOURCE)) {
      return;
    }
    Map<String, Object> pinned = new HashMap<>();
    for (String p : PINNED) {
      String value = environment.getProperty(p);
      if (value != null) {
        pinned.put(p, value);
      }
    }
    if (BrokerConnectionConfiguration.EmbeddedBrokerWanted.wanted(environment)) {
      // Qpid refuses RabbitMQ's queue expiry and length arguments; the embedded broker is one
      // process's, so its queues need neither (an empty value binds as unset).
      for (String binding : List.of("default", "bindings.liveUpdates-in-0")) {
        for (String key : List.of("expires", "dlq-expires", "max-length", "dlq-max-length")) {
          pinned.put("spring.cloud.stream.rabbit." + binding + ".consumer." + key, "");
        }
      }
      // Nor does it take x-dead-letter-exchange, which auto-bind-dlq puts on a consumer queue.
      // Embedded, the binder still republishes a message that failed its retries to the DLX
      // exchange itself (republish-to-dlq stays on), and EmbeddedDeadLetterQueues declares the
      // DLX and the bounded DLQs it routes to.
      for (String binding : List.of("merchantStatistics-in-0", "notifications-in-0")) {
        String consumer = "spring.cloud.stream.rabbit.bindings." + binding + ".consumer.";
        pinned.put(consumer + "dlq-max-length", "");
        pinned.put(consumer + "auto-bind-dlq", "false");
      }
    }
    environment.getPropertySources().addFirst(new MapPropertySource(SOURCE, pinned));
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
