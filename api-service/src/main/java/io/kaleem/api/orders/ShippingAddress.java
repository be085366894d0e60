package io.kaleem.api.orders;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Where an order goes; every string is bounded.
 *
 * @param recipient who receives the parcel
 * @param phone the recipient's phone, digits with an optional leading {@code +}
 * @param line1 street and building
 * @param line2 apartment, floor, landmark
 * @param city city
 * @param region region or province
 * @param postalCode postal code
 * @param country ISO 3166-1 alpha-2 country code, e.g. {@code SA}
 */
public record ShippingAddress(
    @NotBlank @Size(max = 100) String recipient,
    @Pattern(regexp = "^\\+?[0-9][0-9 -]{4,30}$", message = "must be a phone number") String phone,
    @NotBlank @Size(max = 200) String line1,
    @Size(max = 200) String line2,
    @NotBlank @Size(max = 100) String city,
    @Size(max = 100) String region,
    @Size(max = 20) String postalCode,
    @NotBlank @Pattern(regexp = "^[A-Z]{2}$", message = "must be an ISO 3166-1 alpha-2 code")
        String country) {}
