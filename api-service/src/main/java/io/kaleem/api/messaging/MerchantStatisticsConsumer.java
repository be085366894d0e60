package io.kaleem.api.messaging;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import tools.jackson.databind.json.JsonMapper;

/**
 * Orders and revenue per merchant from {@code order.created} and {@code order.cancelled}: one
 * atomic {@code $inc} upsert per event, applied once per event id.
 */
public class MerchantStatisticsConsumer extends EventConsumer {

  public static final String NAME = "merchant-statistics";

  private final ReactiveMongoTemplate mongo;
  private final Clock clock;

  public MerchantStatisticsConsumer(
      ReactiveMongoTemplate mongo,
      JsonMapper json,
      ProcessedEvents processed,
      Clock clock,
      MeterRegistry meters) {
    super(NAME, json, processed, clock, meters);
    this.mongo = mongo;
    this.clock = clock;
  }

  @Override
  protected void apply(EventEnvelope event) {
    EventType type = EventType.of(event.type());
    if (type != EventType.ORDER_CREATED && type != EventType.ORDER_CANCELLED) {
      return;
    }
    String currency = event.text("currency");
    Object total = event.data() == null ? null : event.data().get("total");
    if (event.merchantId() == null || currency == null || !(total instanceof Number amount)) {
      throw new PoisonEventException(event.type() + " without merchantId, currency or total");
    }
    boolean created = type == EventType.ORDER_CREATED;
    Update u =
        new Update()
            .inc(created ? "orders" : "cancelled", 1)
            .inc("revenue." + currency, created ? amount.longValue() : -amount.longValue())
            .set("updatedAt", clock.instant());
    mongo
        .upsert(
            new Query(Criteria.where("_id").is(event.merchantId())), u, MerchantStatistics.class)
        .block();
  }
}
