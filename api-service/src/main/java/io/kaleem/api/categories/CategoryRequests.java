package io.kaleem.api.categories;

import io.kaleem.api.common.LocalizedText;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** What clients may send about a category. */
public final class CategoryRequests {

  static final String SLUG = "^[a-z0-9\\p{IsArabic}][a-z0-9\\p{IsArabic}-]{0,79}$";
  static final String PARENT = "^([0-9a-fA-F]{24}|root)$";

  private CategoryRequests() {}

  public record Create(
      @NotNull @Valid LocalizedText name,
      @NotBlank @Pattern(regexp = SLUG, message = "must be lower-case letters, digits and '-'")
          String slug,
      @Pattern(regexp = "^[0-9a-fA-F]{24}$", message = "must be a 24-character hexadecimal id")
          String parentId,
      @Min(0) @Max(100_000) Integer sortOrder) {}

  /**
   * A partial update. {@code parentId} moves the category and its whole subtree; {@code "root"}
   * makes it a root.
   */
  public record Update(
      @Valid LocalizedText name,
      @Pattern(regexp = SLUG, message = "must be lower-case letters, digits and '-'") String slug,
      @Pattern(regexp = PARENT, message = "must be a 24-character hexadecimal id or 'root'")
          String parentId,
      @Min(0) @Max(100_000) Integer sortOrder) {}
}
