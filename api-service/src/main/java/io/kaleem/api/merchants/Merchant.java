package io.kaleem.api.merchants;

import io.kaleem.api.common.LocalizedText;
import java.time.Instant;
import java.util.List;
import org.bson.types.ObjectId;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A merchant as stored. {@code slug} is unique and lower-case; {@code subscription} is absent until
 * the merchant subscribes to a plan; {@code searchTerms} holds the normalised names and slug.
 */
@Document(Merchant.COLLECTION)
public record Merchant(
    @Id ObjectId id,
    LocalizedText name,
    String slug,
    String contactEmail,
    String country,
    String currency,
    MerchantStatus status,
    Subscription subscription,
    PlanChangeRequest planChangeRequest,
    List<String> searchTerms,
    Instant createdAt,
    Instant updatedAt) {

  public static final String COLLECTION = "merchants";
}
