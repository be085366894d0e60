package io.kaleem.api.merchants;

import io.kaleem.api.common.LocalizedText;
import java.time.Instant;

/** A merchant as clients see it: string id, no internal search terms. */
public record MerchantView(
    String id,
    LocalizedText name,
    String slug,
    String contactEmail,
    String country,
    String currency,
    MerchantStatus status,
    Subscription subscription,
    PlanChangeRequest planChangeRequest,
    Instant createdAt,
    Instant updatedAt) {

  static MerchantView of(Merchant m) {
    return new MerchantView(
        m.id().toHexString(),
        m.name(),
        m.slug(),
        m.contactEmail(),
        m.country(),
        m.currency(),
        m.status(),
        m.subscription(),
        m.planChangeRequest(),
        m.createdAt(),
        m.updatedAt());
  }
}
