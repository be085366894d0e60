package io.kaleem.api.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.LocalDate;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signing keys: an EC P-256 JWK set (ES256) with one active key that signs and any number of
 * older keys that still verify, so keys rotate without logging anyone out. Loaded from {@code
 * kaleem.security.jwt.jwk-set} (a Secret) or, for development, generated once into a file under
 * {@code ./data/} (gitignored); tests get an in-memory key.
 */
public final class JwtKeys {

  private static final Logger log = LoggerFactory.getLogger(JwtKeys.class);

  private final JWKSet keys;
  private final ECKey active;

  JwtKeys(JWKSet keys, String activeKid) {
    this.keys = keys;
    JWK chosen =
        activeKid == null || activeKid.isBlank()
            ? keys.getKeys().stream().filter(JWK::isPrivate).findFirst().orElse(null)
            : keys.getKeyByKeyId(activeKid);
    if (!(chosen instanceof ECKey ec) || !ec.isPrivate() || ec.getCurve() != Curve.P_256) {
      throw new IllegalStateException(
          "kaleem.security.jwt: the active key ("
              + (activeKid == null || activeKid.isBlank() ? "first private key" : activeKid)
              + ") must be a private EC P-256 key of the JWK set");
    }
    for (JWK k : keys.getKeys()) {
      if (k.getKeyID() == null) {
        throw new IllegalStateException("kaleem.security.jwt: every key needs a kid");
      }
    }
    this.active = ec;
  }

  public static JwtKeys from(SecurityProperties.Jwt cfg) {
    if (!cfg.jwkSet().isBlank()) {
      try {
        return new JwtKeys(JWKSet.parse(cfg.jwkSet()), cfg.activeKid());
      } catch (ParseException e) {
        throw new IllegalStateException("kaleem.security.jwt.jwk-set is not a JWK set", e);
      }
    }
    if (cfg.requireConfiguredKeys()) {
      throw new IllegalStateException(
          "kaleem.security.jwt.jwk-set is required here (set KALEEM_JWT_JWKS from a Secret);"
              + " development keys are not used in this profile");
    }
    if (cfg.devKeyFile().isBlank()) {
      return new JwtKeys(new JWKSet(generate("ephemeral-" + LocalDate.now())), null);
    }
    return fromDevFile(Path.of(cfg.devKeyFile()));
  }

  private static JwtKeys fromDevFile(Path file) {
    try {
      if (Files.exists(file)) {
        return new JwtKeys(JWKSet.parse(Files.readString(file, StandardCharsets.UTF_8)), null);
      }
      JWKSet set = new JWKSet(generate("dev-" + LocalDate.now()));
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, set.toString(false), StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        log.debug("no POSIX permissions on {}", file);
      }
      log.info("Generated a development JWT signing key into {}", file.toAbsolutePath());
      return new JwtKeys(set, null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write the dev JWT key file " + file, e);
    } catch (ParseException e) {
      throw new IllegalStateException("the dev JWT key file " + file + " is not a JWK set", e);
    }
  }

  /** A new P-256 signing key. */
  public static ECKey generate(String kid) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate an EC key", e);
    }
  }

  ECKey active() {
    return active;
  }

  /** Public keys with this kid (empty when unknown: the token is refused). */
  List<JWK> verificationKeys(String kid) {
    if (kid == null) {
      return List.of();
    }
    JWK k = keys.getKeyByKeyId(kid);
    return k == null ? List.of() : List.of(k.toPublicJWK());
  }

  /** The public half of the set, as a JWKS document would publish it. */
  public JWKSet publicKeys() {
    return keys.toPublicJWKSet();
  }
}
