package io.kaleem.api.products;

import io.kaleem.api.common.LocalizedText;
import io.kaleem.api.common.LongText;
import java.time.Instant;
import java.util.List;
import org.bson.types.ObjectId;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A product as stored. {@code price} is in minor units of {@code currency}; {@code searchTerms}
 * holds normalised tokens and prefixes of the names, SKU and tags (see SearchText).
 */
@Document(Product.COLLECTION)
public record Product(
    @Id ObjectId id,
    String merchantId,
    String sku,
    LocalizedText name,
    LongText description,
    long price,
    String currency,
    int stock,
    ProductStatus status,
    String categoryId,
    List<String> tags,
    List<String> images,
    List<String> searchTerms,
    Instant createdAt,
    Instant updatedAt) {

  public static final String COLLECTION = "products";
}
