package io.kaleem.api.plans;

import io.kaleem.api.common.LocalizedText;
import io.kaleem.api.money.Money;
import java.math.BigDecimal;
import java.time.Instant;

/** A plan as clients see it: decimal price, string id, no internal search terms. */
public record PlanView(
    String id,
    String code,
    LocalizedText name,
    BigDecimal price,
    String currency,
    BillingInterval interval,
    PlanLimits limits,
    boolean active,
    Instant createdAt,
    Instant updatedAt) {

  static PlanView of(Plan p) {
    return new PlanView(
        p.id().toHexString(),
        p.code(),
        p.name(),
        Money.fromMinor(p.price(), p.currency()),
        p.currency(),
        p.interval(),
        p.limits(),
        p.active(),
        p.createdAt(),
        p.updatedAt());
  }
}
