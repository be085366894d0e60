package io.kaleem.api.merchants;

import io.kaleem.api.common.LocalizedText;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** What clients may send about a merchant: nothing else is accepted (unknown fields are 400). */
public final class MerchantRequests {

  static final String SLUG = "^[a-z0-9-]{3,60}$";
  static final String COUNTRY = "^[A-Z]{2}$";
  static final String OBJECT_ID = "^[0-9a-fA-F]{24}$";
  static final String EMAIL = "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$";

  private MerchantRequests() {}

  /**
   * @param planId subscribe at once to this active plan (optional)
   */
  public record Create(
      @NotNull @Valid LocalizedText name,
      @NotBlank @Pattern(regexp = SLUG, message = "must be 3-60 lower-case letters, digits or '-'")
          String slug,
      @NotBlank
          @Size(max = 254)
          @Email
          @Pattern(regexp = EMAIL, message = "must be a well-formed email address")
          String contactEmail,
      @NotBlank @Pattern(regexp = COUNTRY, message = "must be an ISO 3166 alpha-2 code, e.g. SA")
          String country,
      @NotBlank String currency,
      @Pattern(regexp = OBJECT_ID, message = "must be a 24-character hexadecimal id")
          String planId) {}

  /**
   * A partial update: absent (null) fields are left as they are. Slug and currency are fixed;
   * closing is {@code DELETE}.
   */
  public record Update(
      @Valid LocalizedText name,
      @Size(max = 254)
          @Email
          @Pattern(regexp = EMAIL, message = "must be a well-formed email address")
          String contactEmail,
      @Pattern(regexp = COUNTRY, message = "must be an ISO 3166 alpha-2 code, e.g. SA")
          String country,
      MerchantStatus status) {}

  /**
   * An owner's request for another plan; billing (a platform admin) subscribes the merchant to it.
   */
  public record PlanChange(
      @NotBlank @Pattern(regexp = OBJECT_ID, message = "must be a 24-character hexadecimal id")
          String planId) {}

  /**
   * Subscribe to a plan or change plan: a new period starts now.
   *
   * @param autoRenew defaults to true
   */
  public record Subscribe(
      @NotBlank @Pattern(regexp = OBJECT_ID, message = "must be a 24-character hexadecimal id")
          String planId,
      Boolean autoRenew) {}
}
