package io.kaleem.api.auth;

import io.kaleem.api.common.LocalizedText;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Bodies of the {@code /api/v1/auth} endpoints. */
public final class AuthRequests {

  private AuthRequests() {}

  /** Who may register themselves: customers, and merchant owners with their merchant. */
  public enum AccountType {
    CUSTOMER,
    MERCHANT_OWNER
  }

  /**
   * @param merchant required for {@code MERCHANT_OWNER}, refused for {@code CUSTOMER}
   */
  public record Register(
      @NotBlank @Email @Size(max = 254) String email,
      @NotBlank @Size(min = 10, max = 128) String password,
      @NotBlank @Size(max = 100) String name,
      @NotNull AccountType accountType,
      @Valid Merchant merchant) {}

  /** The merchant a merchant owner creates by registering. */
  public record Merchant(
      @NotNull @Valid LocalizedText name,
      @NotNull @Pattern(regexp = "[a-z0-9-]{3,60}") String slug,
      @Email @Size(max = 254) String contactEmail,
      @NotNull @Pattern(regexp = "[A-Z]{2}") String country,
      @NotNull @Pattern(regexp = "[A-Z]{3}") String currency) {}

  public record Login(
      @NotBlank @Size(max = 254) String email, @NotBlank @Size(max = 128) String password) {}

  /**
   * Set the password of an account an admin created.
   *
   * @param token the invitation's one-time token
   */
  public record AcceptInvitation(
      @NotBlank @Size(max = 200) String token,
      @NotBlank @Size(min = 10, max = 128) String password) {}

  public record Refresh(@NotBlank @Size(max = 200) String refreshToken) {}
}
