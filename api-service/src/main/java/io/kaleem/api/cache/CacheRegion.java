package io.kaleem.api.cache;

import tools.jackson.databind.JavaType;

/**
 * One kind of cached value: its name is the first segment of its keys after the tenant prefix and
 * the {@code cache_key_prefix} label of its metrics (a small, fixed set: never a key), its type is
 * what the values decode to, and its fingerprint changes whenever that type's shape does, so a
 * value written by another version of the API is a miss rather than a wrong object.
 */
public record CacheRegion<T>(String name, JavaType type, int fingerprint) {

  public CacheRegion {
    if (!CacheKeys.isRegionName(name)) {
      throw new IllegalArgumentException("cache region names are [a-z0-9-]+, was '" + name + "'");
    }
  }
}
