package io.kaleem.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import reactor.core.publisher.Mono;

/**
 * The cache of verified tokens in front of the real ES256 decoder, on a clock the test moves: one
 * verification per token per entry, expired tokens refused even when cached, a removed key refused
 * once the entry ends (at most {@code verifiedCacheTtl} later), failures never cached.
 */
class VerifiedTokenCacheTest {

  static final Duration TTL = Duration.ofSeconds(60);

  final MovableClock clock = new MovableClock(Instant.parse("2026-11-25T12:00:00Z"));
  final SecurityProperties props =
      new SecurityProperties(
          new SecurityProperties.Jwt(
              "https://api.kaleem.local",
              "kaleem-api",
              Duration.ofMinutes(15),
              Duration.ofDays(30),
              "",
              "",
              "",
              false,
              100,
              TTL),
          null,
          null,
          null,
          Duration.ofSeconds(10));
  final JwtKeys keys = JwtKeys.from(props.jwt());
  final AtomicInteger verifications = new AtomicInteger();
  final AtomicBoolean keyRemoved = new AtomicBoolean();
  final ReactiveJwtDecoder real = SecurityConfiguration.verifyingDecoder(keys, props, clock);

  /**
   * The real decoder, counting calls; refuses everything once the key is "removed" from the set.
   */
  final ReactiveJwtDecoder verifier =
      token -> {
        verifications.incrementAndGet();
        return keyRemoved.get()
            ? Mono.error(new BadJwtException("Another algorithm expected, or no matching key"))
            : real.decode(token);
      };

  final VerifiedTokenCache cache =
      new VerifiedTokenCache(verifier, clock, SecurityConfiguration.CLOCK_SKEW, TTL, 100);

  String token(Duration issuedAgo) {
    Clock at = Clock.fixed(clock.instant().minus(issuedAgo), ZoneOffset.UTC);
    return new AccessTokenIssuer(keys, props, at)
        .issue(new AuthenticatedUser("65a000000000000000000001", Role.CUSTOMER, null, null));
  }

  @Test
  void aTokenIsVerifiedOnceThenServedFromTheCache() {
    String token = token(Duration.ZERO);
    Jwt first = cache.decode(token).block();
    clock.advance(Duration.ofSeconds(30));
    Jwt second = cache.decode(token).block();

    assertThat(verifications).hasValue(1);
    assertThat(second).isSameAs(first);
    assertThat(second.getSubject()).isEqualTo("65a000000000000000000001");
    // The security filter's synchronous look-up sees the same entry, and only verified tokens.
    assertThat(cache.verified(token)).isSameAs(first);
    assertThat(cache.verified(token(Duration.ofSeconds(2)))).isNull();
    assertThat(verifications).hasValue(1);
    // Another token is another entry.
    cache.decode(token(Duration.ofSeconds(1))).block();
    assertThat(verifications).hasValue(2);
    assertThat(cache.size()).isEqualTo(2);
  }

  @Test
  void aCachedTokenPastItsExpiryIsRefused() {
    // Issued 14 min 50 s ago: exp in 10 s, accepted until exp + 30 s of clock skew.
    String token = token(Duration.ofMinutes(14).plusSeconds(50));
    cache.decode(token).block();
    clock.advance(Duration.ofSeconds(39));
    assertThat(cache.decode(token).block()).isNotNull();
    assertThat(verifications).hasValue(1);

    clock.advance(Duration.ofSeconds(2));
    // The synchronous look-up refuses it too: the filter then asks decode, which answers why.
    assertThat(cache.verified(token)).isNull();
    assertThatThrownBy(() -> cache.decode(token).block()).isInstanceOf(BadJwtException.class);
    // What the resource server makes of it: invalid_token, answered 401.
    var manager = new JwtReactiveAuthenticationManager(cache);
    assertThatThrownBy(
            () -> manager.authenticate(new BearerTokenAuthenticationToken(token)).block())
        .isInstanceOf(InvalidBearerTokenException.class);
  }

  @Test
  void anExpiredEntryStillThereIsRefusedOnItsOwnExp() {
    // A cache trusting entries for an hour still ends each one at the token's exp.
    var longLived =
        new VerifiedTokenCache(
            verifier, clock, SecurityConfiguration.CLOCK_SKEW, Duration.ofHours(1), 100);
    String token = token(Duration.ofMinutes(14));
    longLived.decode(token).block();
    clock.advance(Duration.ofSeconds(91));
    assertThatThrownBy(() -> longLived.decode(token).block()).isInstanceOf(JwtException.class);
  }

  @Test
  void aTokenOfARemovedKeyIsRefusedOnceItsEntryEnds() {
    String token = token(Duration.ZERO);
    cache.decode(token).block();
    keyRemoved.set(true);

    clock.advance(TTL.minusSeconds(1));
    assertThat(cache.decode(token).block()).isNotNull();
    assertThat(verifications).hasValue(1);

    clock.advance(Duration.ofSeconds(2));
    assertThat(cache.verified(token)).isNull();
    assertThatThrownBy(() -> cache.decode(token).block()).isInstanceOf(BadJwtException.class);
    assertThat(verifications).hasValue(2);
  }

  @Test
  void failedVerificationsAreNotCached() {
    String token = token(Duration.ZERO);
    String tampered = token.substring(0, token.length() - 4) + "AAAA";
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> cache.decode(tampered).block()).isInstanceOf(JwtException.class);
    }
    assertThat(verifications).hasValue(2);
    assertThat(cache.size()).isZero();
    assertThat(cache.verified(tampered)).isNull();
  }

  @Test
  void theCacheIsBoundedBySize() {
    var small = new VerifiedTokenCache(verifier, clock, SecurityConfiguration.CLOCK_SKEW, TTL, 3);
    for (int i = 0; i < 20; i++) {
      small.decode(token(Duration.ofSeconds(i))).block();
    }
    assertThat(small.size()).isLessThanOrEqualTo(3);
  }

  /** A clock the test moves forward. */
  static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
