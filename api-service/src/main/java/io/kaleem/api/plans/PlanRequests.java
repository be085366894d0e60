package io.kaleem.api.plans;

import io.kaleem.api.common.LocalizedText;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.math.BigDecimal;

/** What clients may send about a plan: nothing else is accepted (unknown fields are 400). */
public final class PlanRequests {

  static final String CODE = "^[a-z0-9][a-z0-9-]{1,39}$";

  private PlanRequests() {}

  /**
   * @param active defaults to true
   */
  public record Create(
      @NotBlank
          @Pattern(
              regexp = CODE,
              message = "must be 2-40 lower-case letters, digits or '-', not starting with '-'")
          String code,
      @NotNull @Valid LocalizedText name,
      @NotNull @DecimalMin("0") @DecimalMax("100000000") BigDecimal price,
      @NotBlank String currency,
      @NotNull BillingInterval interval,
      @NotNull @Valid PlanLimits limits,
      Boolean active) {}

  /** A partial update: absent (null) fields are left as they are; code and currency are fixed. */
  public record Update(
      @Valid LocalizedText name,
      @DecimalMin("0") @DecimalMax("100000000") BigDecimal price,
      @Valid PlanLimits limits,
      Boolean active) {}
}
