package io.kaleem.api.messaging;

import java.time.Instant;
import java.util.Map;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A merchant's order statistics, kept by the {@code merchant-statistics} consumer from order
 * events: orders placed and cancelled, and revenue of orders not cancelled, in minor units per
 * currency.
 */
@Document(MerchantStatistics.COLLECTION)
public record MerchantStatistics(
    @Id String merchantId,
    Long orders,
    Long cancelled,
    Map<String, Long> revenue,
    Instant updatedAt) {

  public static final String COLLECTION = "merchant_statistics";

  /** Counters the consumer has not incremented yet read as zero. */
  public MerchantStatistics {
    orders = orders == null ? 0L : orders;
    cancelled = cancelled == null ? 0L : cancelled;
    revenue = revenue == null ? Map.of() : revenue;
  }
}
