package io.kaleem.api.cache;

import java.util.regex.Pattern;

/**
 * How cache keys are spelled: {@code <tenant prefix>:<region>:<part>[:<part>...]}. Parts are ids,
 * generations and hashes this code made ({@code [A-Za-z0-9_.-]+}), so a key never holds a Redis
 * glob character and an administrator's prefix can be matched literally.
 */
public final class CacheKeys {

  private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
  private static final Pattern PART = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

  private final String tenantPrefix;

  public CacheKeys(String tenantPrefix) {
    this.tenantPrefix = tenantPrefix;
  }

  static boolean isRegionName(String name) {
    return name != null && REGION.matcher(name).matches();
  }

  /** Whether {@code s} is a valid key part (an id, a generation, a hash). */
  static boolean isPart(String s) {
    return s != null && PART.matcher(s).matches();
  }

  String full(CacheRegion<?> region, String key) {
    return tenantPrefix + ":" + region.name() + ":" + key;
  }

  /** The key relative to the tenant prefix, as the admin API and stats show it. */
  String relative(String fullKey) {
    return fullKey.substring(tenantPrefix.length() + 1);
  }

  String full(String relative) {
    return tenantPrefix + ":" + relative;
  }

  /** The region segment of a full key. */
  String regionOf(String fullKey) {
    String rest = relative(fullKey);
    int colon = rest.indexOf(':');
    return colon < 0 ? rest : rest.substring(0, colon);
  }

  String generation(String scope) {
    return tenantPrefix + ":gen:" + scope;
  }

  String channel() {
    return tenantPrefix + ":invalidations";
  }

  /** The lease of one schedule tick (its fire time), or of start-up runs ({@code null}). */
  String warmingLease(java.time.Instant tick) {
    return tenantPrefix + ":warming:" + (tick == null ? "startup" : "tick:" + tick.toEpochMilli());
  }

  /** Held while an administrator's run is in progress. */
  String warmingRequested() {
    return tenantPrefix + ":warming:requested";
  }

  /** Every key of the tenant's cache, for SCAN. */
  String everything() {
    return tenantPrefix + ":*";
  }

  String tenantPrefix() {
    return tenantPrefix;
  }

  /**
   * Checks an administrator's key or prefix: a known shape of region and parts, nothing a glob
   * could widen. {@code partial} allows the last part to be a prefix of a part (still literal).
   */
  static String validate(String relative, String field, boolean prefix) {
    if (relative == null || relative.isEmpty() || relative.length() > 512) {
      throw InvalidCacheKey.of(field, "must be 1 to 512 characters");
    }
    String[] parts = relative.split(":", -1);
    if (!isRegionName(parts[0])) {
      throw InvalidCacheKey.of(
          field,
          "must start with a region name ([a-z0-9-]+, e.g. product), was '" + parts[0] + "'");
    }
    for (int i = 1; i < parts.length; i++) {
      if (!isPart(parts[i])) {
        throw InvalidCacheKey.of(
            field,
            "has a part that is not [A-Za-z0-9_.-]+ (wildcards are not accepted): '"
                + parts[i]
                + "'");
      }
    }
    if (!prefix && parts.length < 2) {
      throw InvalidCacheKey.of(field, "names a region, not a key: use the prefixes route");
    }
    return relative;
  }
}
