package io.kaleem.api.pagination;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param cursorSecret HMAC key that signs cursors; every replica of a tenant must share it (the
 *     operator renders it into a Secret). At least 32 characters.
 * @param defaultLimit page size when the client names none
 * @param maxLimit largest page a client may ask for
 */
@Validated
@ConfigurationProperties("kaleem.pagination")
public record PaginationProperties(
    @NotBlank @Size(min = 32, message = "must be at least 32 characters") String cursorSecret,
    @DefaultValue("20") @Min(1) int defaultLimit,
    @DefaultValue("100") @Min(1) @Max(1000) int maxLimit) {}
