package io.kaleem.api.common;

import io.kaleem.api.errors.ApiException;
import org.bson.types.ObjectId;

/** Parses client-supplied ids: a malformed id is a 400 naming the parameter, never a 500. */
public final class Ids {

  private Ids() {}

  public static ObjectId parse(String value, String name) {
    if (value == null || !ObjectId.isValid(value)) {
      throw ApiException.invalidField(name, "must be a 24-character hexadecimal id");
    }
    return new ObjectId(value);
  }

  /** Validates and returns the canonical (lower-case) hex form, as references are stored. */
  public static String canonical(String value, String name) {
    return parse(value, name).toHexString();
  }
}
