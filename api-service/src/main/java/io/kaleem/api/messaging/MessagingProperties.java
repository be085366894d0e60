package io.kaleem.api.messaging;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How domain events leave the API (docs/EVENTS.md, docs/MESSAGING.md).
 *
 * @param brokerUrl the AMQP URL of the tenant's RabbitMQ ({@code AMQP_URL}); empty starts the
 *     embedded broker
 * @param exchange the topic exchange every event is published to, routing key = event type
 * @param relay how the outbox relay works
 * @param lowStockThreshold stock below which a product's {@code product.stock-low} event fires
 * @param processedRetention how long a consumer remembers an event id it applied
 */
@ConfigurationProperties("kaleem.messaging")
public record MessagingProperties(
    @DefaultValue("") String brokerUrl,
    @DefaultValue("kaleem.events") String exchange,
    @DefaultValue Relay relay,
    @DefaultValue("5") int lowStockThreshold,
    @DefaultValue("7d") Duration processedRetention) {

  /**
   * @param enabled whether this replica relays the outbox (every replica may: a lease decides)
   * @param batchSize events read and published per lease round
   * @param concurrency aggregates published in parallel within a batch
   * @param pollInterval how often an idle relay looks for events it was not told about
   * @param lease how long one round's lease lasts; a relay that dies frees it after this
   * @param confirmTimeout how long a publish waits for the broker's confirm before it counts as
   *     failed (and is retried later)
   * @param sentRetention how long a sent event stays in the outbox for inspection (TTL)
   * @param recoveryInterval how often events left in their aggregate's document by a process that
   *     died before moving them are moved to the outbox (those older than this)
   */
  public record Relay(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("500") int batchSize,
      @DefaultValue("256") int concurrency,
      @DefaultValue("500ms") Duration pollInterval,
      @DefaultValue("15s") Duration lease,
      @DefaultValue("5s") Duration confirmTimeout,
      @DefaultValue("1d") Duration sentRetention,
      @DefaultValue("10s") Duration recoveryInterval) {}
}
