package io.kaleem.api.users;

import io.kaleem.api.security.Role;
import java.time.Instant;

/** A user as clients see it: string id, no internal search terms. */
public record UserView(
    String id,
    String email,
    String name,
    String phone,
    Role role,
    UserStatus status,
    String merchantId,
    Instant createdAt,
    Instant updatedAt) {

  static UserView of(User u) {
    return new UserView(
        u.id().toHexString(),
        u.email(),
        u.name(),
        u.phone(),
        u.role(),
        u.status(),
        u.merchantId(),
        u.createdAt(),
        u.updatedAt());
  }
}
