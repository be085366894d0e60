package io.kaleem.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/** Keys rotate by kid: the active key signs, every key of the set verifies, removed keys do not. */
class KeyRotationTest {

  static final ECKey OLD = JwtKeys.generate("2026-10");
  static final ECKey NEW = JwtKeys.generate("2026-11");

  static SecurityProperties props(String jwkSet, String activeKid, String devKeyFile) {
    return new SecurityProperties(
        new SecurityProperties.Jwt(
            "https://issuer.test",
            "kaleem-api",
            Duration.ofMinutes(15),
            Duration.ofDays(30),
            jwkSet,
            activeKid,
            devKeyFile,
            false,
            10_000,
            Duration.ofSeconds(60)),
        new SecurityProperties.Cors(List.of()),
        null,
        null,
        Duration.ofSeconds(10));
  }

  static String token(SecurityProperties p) {
    JwtKeys keys = JwtKeys.from(p.jwt());
    return new AccessTokenIssuer(keys, p, Clock.systemUTC())
        .issue(new AuthenticatedUser("6b0700000000000000000001", Role.CUSTOMER, null, null));
  }

  static ReactiveJwtDecoder decoder(SecurityProperties p) {
    return new SecurityConfiguration().jwtDecoder(JwtKeys.from(p.jwt()), p, Clock.systemUTC());
  }

  @Test
  void theActiveKeySignsAndEveryKeyOfTheSetVerifies() throws Exception {
    String both = new JWKSet(List.of(OLD, NEW)).toString(false);
    var beforeSwitch = props(both, "2026-10", "");
    var afterSwitch = props(both, "2026-11", "");
    String oldToken = token(beforeSwitch);
    String newToken = token(afterSwitch);
    assertThat(SignedJWT.parse(oldToken).getHeader().getKeyID()).isEqualTo("2026-10");
    assertThat(SignedJWT.parse(newToken).getHeader().getKeyID()).isEqualTo("2026-11");

    ReactiveJwtDecoder during = decoder(afterSwitch);
    assertThat(during.decode(oldToken).block().getSubject()).isEqualTo("6b0700000000000000000001");
    assertThat(during.decode(newToken).block()).isNotNull();

    // Step 3: the old key is removed; its tokens no longer verify.
    var retired = props(new JWKSet(NEW).toString(false), "", "");
    assertThat(decoder(retired).decode(newToken).block()).isNotNull();
    assertThatThrownBy(() -> decoder(retired).decode(oldToken).block())
        .hasMessageContaining("Failed to validate");
  }

  @Test
  void badKeySetsAreRefusedAtStartUp() {
    assertThatThrownBy(() -> JwtKeys.from(props(new JWKSet(OLD).toString(false), "nope", "").jwt()))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(
            () ->
                JwtKeys.from(
                    props(new JWKSet(OLD.toPublicJWK()).toString(false), "2026-10", "").jwt()))
        .hasMessageContaining("private EC P-256");
    assertThatThrownBy(() -> JwtKeys.from(props("{not json", "", "").jwt()))
        .hasMessageContaining("not a JWK set");
  }

  @Test
  void devKeyIsGeneratedOnceIntoItsFileAndReused(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("data/jwt-dev-jwks.json");
    var p = props("", "", file.toString());
    String first = token(p);
    assertThat(Files.exists(file)).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    // A restart reads the same key: tokens from before it still verify.
    assertThat(decoder(p).decode(first).block()).isNotNull();
  }
}
