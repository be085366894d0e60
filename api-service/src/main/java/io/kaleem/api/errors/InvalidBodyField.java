package io.kaleem.api.errors;

import tools.jackson.core.JsonPointer;

/**
 * A request body refused before or while it is bound, for a reason about one field: answered as a
 * 400 {@code malformed-request} problem whose {@code field} names it.
 */
public final class InvalidBodyField extends RuntimeException {

  private final String field;

  public InvalidBodyField(String field, String reason) {
    super(reason, null, false, false);
    this.field = field;
  }

  public String field() {
    return field;
  }

  /**
   * A JSON pointer as the API names fields: {@code /items/0/quantity} is {@code items[0].quantity}.
   */
  public static String field(JsonPointer pointer, String whole) {
    StringBuilder sb = new StringBuilder();
    for (JsonPointer p = pointer; p != null && !p.matches(); p = p.tail()) {
      if (p.mayMatchElement()) {
        sb.append('[').append(p.getMatchingIndex()).append(']');
      } else {
        if (!sb.isEmpty()) {
          sb.append('.');
        }
        sb.append(p.getMatchingProperty());
      }
    }
    return sb.isEmpty() ? whole : sb.toString();
  }
}
