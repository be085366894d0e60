package io.kaleem.api.users;

import io.kaleem.api.security.Role;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** What clients may send about a user: nothing else is accepted (unknown fields are 400). */
public final class UserRequests {

  static final String EMAIL = "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$";
  static final String E164 = "^\\+[1-9][0-9]{6,14}$";
  static final String NOT_BLANK = "(?s).*\\S.*";
  static final String OBJECT_ID = "^[0-9a-fA-F]{24}$";
  static final String E164_MESSAGE = "must be an E.164 number such as +966501234567";

  private UserRequests() {}

  /**
   * A new user, ACTIVE.
   *
   * @param email unique across the platform (compared case-insensitively)
   * @param merchantId required for MERCHANT_OWNER and MERCHANT_STAFF, refused for other roles
   */
  public record Create(
      @NotBlank
          @Size(max = 254)
          @Email
          @Pattern(regexp = EMAIL, message = "must be a well-formed email address")
          String email,
      @NotBlank @Size(max = 200) String name,
      @Pattern(regexp = E164, message = E164_MESSAGE) String phone,
      @NotNull Role role,
      @Pattern(regexp = OBJECT_ID, message = "must be a 24-character hexadecimal id")
          String merchantId) {}

  /**
   * A partial update: absent (null) fields are left as they are; email and role are fixed.
   *
   * @param phone a new E.164 number, or {@code ""} to remove it
   */
  public record Update(
      @Size(max = 200) @Pattern(regexp = NOT_BLANK, message = "must not be blank") String name,
      @Pattern(regexp = "^$|" + E164, message = E164_MESSAGE + ", or empty to remove it")
          String phone,
      UserStatus status) {}
}
