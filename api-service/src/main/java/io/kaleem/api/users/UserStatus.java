package io.kaleem.api.users;

/** Whether a user account may be used. Stored by name: other packages read it. */
public enum UserStatus {
  ACTIVE,
  SUSPENDED,
  DEACTIVATED
}
