package io.kaleem.api.cache;

import io.kaleem.api.errors.ApiException;

/** A key or prefix an administrator sent that names no cache entry shape: a 400 on the field. */
final class InvalidCacheKey {

  private InvalidCacheKey() {}

  static ApiException of(String field, String message) {
    return ApiException.invalidField(field, message);
  }
}
