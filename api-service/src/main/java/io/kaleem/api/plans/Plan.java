package io.kaleem.api.plans;

import io.kaleem.api.common.LocalizedText;
import java.time.Instant;
import java.util.List;
import org.bson.types.ObjectId;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A subscription plan as stored. {@code price} is in minor units of {@code currency}, charged once
 * per {@code interval}; {@code code} is the plan's immutable, unique slug. Plans are never deleted
 * (merchants may be subscribed), only deactivated.
 */
@Document(Plan.COLLECTION)
public record Plan(
    @Id ObjectId id,
    String code,
    LocalizedText name,
    long price,
    String currency,
    BillingInterval interval,
    PlanLimits limits,
    boolean active,
    List<String> searchTerms,
    Instant createdAt,
    Instant updatedAt) {

  public static final String COLLECTION = "plans";
}
