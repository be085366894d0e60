package io.kaleem.api.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Mints the short-lived ES256 access tokens, signed with the active key and its {@code kid}. */
@Component
public class AccessTokenIssuer {

  public static final String ROLES = "roles";
  public static final String MERCHANT = "mid";
  public static final String PLAN = "plan";

  private final JwtKeys keys;
  private final SecurityProperties.Jwt cfg;
  private final Clock clock;
  private final ECDSASigner signer;

  public AccessTokenIssuer(JwtKeys keys, SecurityProperties props, Clock clock) {
    this.keys = keys;
    this.cfg = props.jwt();
    this.clock = clock;
    try {
      this.signer = new ECDSASigner(keys.active());
    } catch (JOSEException e) {
      throw new IllegalStateException("the active JWT key cannot sign", e);
    }
  }

  /** A signed access token for this user, valid for the configured lifetime. */
  public String issue(AuthenticatedUser user) {
    Instant now = clock.instant();
    var claims =
        new JWTClaimsSet.Builder()
            .issuer(cfg.issuer())
            .audience(cfg.audience())
            .subject(user.userId())
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .expirationTime(Date.from(now.plus(cfg.accessTokenTtl())))
            .jwtID(UUID.randomUUID().toString())
            .claim(ROLES, List.of(user.role().name()));
    if (user.merchantId() != null) {
      claims.claim(MERCHANT, user.merchantId());
    }
    if (user.plan() != null) {
      claims.claim(PLAN, user.plan());
    }
    var header =
        new JWSHeader.Builder(JWSAlgorithm.ES256)
            .keyID(keys.active().getKeyID())
            .type(JOSEObjectType.JWT)
            .build();
    SignedJWT jwt = new SignedJWT(header, claims.build());
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign an access token", e);
    }
    return jwt.serialize();
  }

  public long lifetimeSeconds() {
    return cfg.accessTokenTtl().toSeconds();
  }
}
