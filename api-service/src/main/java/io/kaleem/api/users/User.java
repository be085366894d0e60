package io.kaleem.api.users;

import io.kaleem.api.security.Role;
import java.time.Instant;
import java.util.List;
import org.bson.types.ObjectId;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A user as stored. {@code email} is unique and lower-case; {@code merchantId} is set exactly for
 * the merchant roles; {@code searchTerms} holds the normalised name and email local part. Field
 * names and enum values are a contract: orders and tickets look users up by {@code _id} and read
 * {@code role} and {@code status}.
 */
@Document(User.COLLECTION)
public record User(
    @Id ObjectId id,
    String email,
    String name,
    String phone,
    Role role,
    UserStatus status,
    String merchantId,
    List<String> searchTerms,
    Instant createdAt,
    Instant updatedAt) {

  public static final String COLLECTION = "users";
}
