package io.kaleem.api.products;

import io.kaleem.api.common.LocalizedText;
import io.kaleem.api.common.LongText;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.util.List;

/** What clients may send about a product: nothing else is accepted (unknown fields are 400). */
public final class ProductRequests {

  static final String SKU = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";
  static final String TAG = "^[\\p{L}\\p{N}][\\p{L}\\p{N} _-]{0,39}$";
  static final String OBJECT_ID = "^[0-9a-fA-F]{24}$";
  static final String URL = "^https://[^\\s]{1,2000}$";

  private ProductRequests() {}

  public record Create(
      @NotBlank @Pattern(regexp = SKU, message = "must be 1-64 letters, digits, '.', '_' or '-'")
          String sku,
      @NotNull @Valid LocalizedText name,
      @Valid LongText description,
      @NotNull @DecimalMin("0") @DecimalMax("100000000") BigDecimal price,
      @NotBlank String currency,
      @Min(0) @Max(1_000_000) Integer stock,
      ProductStatus status,
      @Pattern(regexp = OBJECT_ID, message = "must be a 24-character hexadecimal id")
          String categoryId,
      @Size(max = 20) List<@NotNull @Pattern(regexp = TAG) String> tags,
      @Size(max = 10)
          List<@NotNull @Pattern(regexp = URL, message = "must be an https URL") String> images) {}

  /** A partial update: absent (null) fields are left as they are. */
  public record Update(
      @Valid LocalizedText name,
      @Valid LongText description,
      @DecimalMin("0") @DecimalMax("100000000") BigDecimal price,
      String currency,
      @Min(0) @Max(1_000_000) Integer stock,
      ProductStatus status,
      @Pattern(regexp = OBJECT_ID, message = "must be a 24-character hexadecimal id")
          String categoryId,
      @Size(max = 20) List<@NotNull @Pattern(regexp = TAG) String> tags,
      @Size(max = 10)
          List<@NotNull @Pattern(regexp = URL, message = "must be an https URL") String> images) {}
}
