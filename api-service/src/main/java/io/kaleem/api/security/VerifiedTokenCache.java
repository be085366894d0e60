package io.kaleem.api.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * A bounded cache of verified access tokens in front of the signature-verifying decoder: a token is
 * verified cryptographically (ES256, ≈1 ms) once per replica per {@code maxTtl}, then served from
 * memory until its entry ends.
 *
 * <p>Key: SHA-256 of the token string (the token itself is never kept as a key). Value: the decoded
 * {@link Jwt}. Only successful verifications are cached. An entry lives until the earliest of
 * {@code maxTtl} after it was verified and the token's own {@code exp} (plus the decoder's clock
 * skew); every hit checks {@code exp} again against the clock, so an expired token is refused even
 * if its entry is still there. A token signed by a key removed from the JWK set is still accepted
 * by a replica that verified it less than {@code maxTtl} ago: that is the bound on key removal.
 */
public final class VerifiedTokenCache implements ReactiveJwtDecoder {

  /** Cloned per call: a clone skips the provider look-up MessageDigest.getInstance does. */
  private static final MessageDigest SHA_256 = sha256();

  private final ReactiveJwtDecoder verifier;
  private final Clock clock;
  private final Duration skew;
  private final Cache<String, Jwt> verified;

  public VerifiedTokenCache(
      ReactiveJwtDecoder verifier, Clock clock, Duration skew, Duration maxTtl, long maxSize) {
    this.verifier = verifier;
    this.clock = clock;
    this.skew = skew;
    long maxNanos = maxTtl.toNanos();
    this.verified =
        Caffeine.newBuilder()
            .maximumSize(maxSize)
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
            .expireAfter(
                new Expiry<String, Jwt>() {
                  @Override
                  public long expireAfterCreate(String key, Jwt jwt, long currentTime) {
                    return Math.max(0, Math.min(maxNanos, nanosLeft(jwt)));
                  }

                  @Override
                  public long expireAfterUpdate(
                      String key, Jwt jwt, long currentTime, long currentDuration) {
                    return expireAfterCreate(key, jwt, currentTime);
                  }

                  @Override
                  public long expireAfterRead(
                      String key, Jwt jwt, long currentTime, long currentDuration) {
                    return currentDuration;
                  }
                })
            .build();
  }

  @Override
  public Mono<Jwt> decode(String token) {
    String key = hash(token);
    Jwt hit = verified.getIfPresent(key);
    if (hit != null) {
      if (nanosLeft(hit) <= 0) {
        verified.invalidate(key);
        return Mono.error(expired(hit));
      }
      return Mono.just(hit);
    }
    return verifier.decode(token).doOnNext(jwt -> verified.put(key, jwt));
  }

  /**
   * The token's claims when this replica verified it and it has not expired since, else null (then
   * {@link #decode} verifies it or refuses it). Synchronous: the hot path of every request.
   */
  public Jwt verified(String token) {
    Jwt hit = verified.getIfPresent(hash(token));
    return hit != null && nanosLeft(hit) > 0 ? hit : null;
  }

  /** Entries currently held (tests and metrics). */
  public long size() {
    verified.cleanUp();
    return verified.estimatedSize();
  }

  /** How long the token stays acceptable: until {@code exp} plus the clock skew. */
  private long nanosLeft(Jwt jwt) {
    Instant exp = jwt.getExpiresAt();
    if (exp == null) {
      return 0;
    }
    return Duration.between(clock.instant(), exp.plus(skew)).toNanos();
  }

  private static JwtValidationException expired(Jwt jwt) {
    OAuth2Error error =
        new OAuth2Error(
            OAuth2ErrorCodes.INVALID_TOKEN,
            "Jwt expired at " + jwt.getExpiresAt(),
            "https://tools.ietf.org/html/rfc6750#section-3.1");
    return new JwtValidationException(error.getDescription(), java.util.List.of(error));
  }

  private static String hash(String token) {
    try {
      MessageDigest sha256 = (MessageDigest) SHA_256.clone();
      byte[] digest = sha256.digest(token.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
