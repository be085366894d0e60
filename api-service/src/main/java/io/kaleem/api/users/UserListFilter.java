package io.kaleem.api.users;

import io.kaleem.api.security.Role;
import jakarta.validation.constraints.Size;

/**
 * Filters of the user list, as the index catalog allows: one of {@code role}, {@code status} or
 * {@code q}, or {@code merchantId} together with {@code role} (a merchant's owners or staff).
 *
 * @param role users of this role
 * @param status users in this status
 * @param merchantId users of this merchant (with {@code role})
 * @param q search in the name and the email's local part
 */
public record UserListFilter(
    Role role, UserStatus status, String merchantId, @Size(max = 100) String q) {}
