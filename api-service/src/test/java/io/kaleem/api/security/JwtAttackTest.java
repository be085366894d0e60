package io.kaleem.api.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.Tokens;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Forged, altered and stale access tokens are all refused with the same 401 problem. */
@ApiTest
class JwtAttackTest {

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;
  @Autowired Tokens tokens;
  @Autowired JwtKeys keys;
  @Autowired SecurityProperties props;

  String merchant;
  Tokens.Issued owner;

  @BeforeEach
  void setUp() {
    merchant = new Fixtures(http, mongo).merchant();
    owner = tokens.owner(merchant);
  }

  WebTestClient.ResponseSpec call(String token) {
    return http.get()
        .uri("/api/v1/merchants/{m}/products", merchant)
        .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
        .exchange();
  }

  void refused(String token) {
    call(token)
        .expectStatus()
        .isUnauthorized()
        .expectHeader()
        .valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://kaleem.io/problems/unauthorized");
  }

  JWTClaimsSet.Builder claims() {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(props.jwt().issuer())
        .audience(props.jwt().audience())
        .subject(owner.userId())
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
        .claim("roles", List.of("MERCHANT_OWNER"))
        .claim("mid", merchant);
  }

  String sign(ECKey key, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  @Test
  void aGenuineTokenIsAccepted() throws Exception {
    call(owner.token()).expectStatus().isOk();
    call(sign(keys.active(), claims().build())).expectStatus().isOk();
  }

  @Test
  void unsignedAlgNoneTokenIsRefused() {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header =
        b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String payload = claims().claim("roles", List.of("PLATFORM_ADMIN")).build().toString();
    refused(header + "." + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".");
  }

  @Test
  void tokenSignedWithAnotherKeyUnderTheRealKidIsRefused() throws Exception {
    ECKey attacker = JwtKeys.generate(keys.active().getKeyID());
    refused(sign(attacker, claims().build()));
    refused(sign(JwtKeys.generate("unknown-kid"), claims().build()));
  }

  @Test
  void hmacTokenKeyedWithThePublicKeyIsRefused() throws Exception {
    byte[] secret = keys.active().toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(keys.active().getKeyID()).build(),
            claims().build());
    jwt.sign(new MACSigner(secret));
    refused(jwt.serialize());
  }

  @Test
  void tamperedPayloadIsRefused() {
    String[] parts = owner.token().split("\\.");
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String forged =
        new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
            .replace("MERCHANT_OWNER", "PLATFORM_ADMIN");
    refused(
        parts[0]
            + "."
            + b64.encodeToString(forged.getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2]);
  }

  @Test
  void expiredTokenIsRefused() throws Exception {
    refused(tokens.mintIssuedAgo(owner.userId(), Role.PLATFORM_ADMIN, Duration.ofMinutes(16)));
    Instant past = Instant.now().minus(Duration.ofHours(1));
    refused(
        sign(
            keys.active(),
            claims()
                .issueTime(Date.from(past))
                .expirationTime(Date.from(past.plusSeconds(60)))
                .build()));
    // A token issued 10 minutes ago is still inside its 15 minutes.
    call(tokens.mintIssuedAgo(owner.userId(), Role.PLATFORM_ADMIN, Duration.ofMinutes(10)))
        .expectStatus()
        .isOk();
  }

  @Test
  void wrongIssuerOrAudienceIsRefused() throws Exception {
    refused(sign(keys.active(), claims().issuer("https://evil.example").build()));
    refused(sign(keys.active(), claims().audience("another-api").build()));
    refused(sign(keys.active(), claims().audience((String) null).build()));
  }

  @Test
  void missingExpiryOrUnknownRoleIsRefused() throws Exception {
    refused(sign(keys.active(), claims().expirationTime(null).build()));
    refused(sign(keys.active(), claims().claim("roles", List.of("ROOT")).build()));
  }

  /** A claim of the wrong JSON type is a forged or broken token: 401, never a 500. */
  @Test
  void claimsOfTheWrongTypeAreRefused() throws Exception {
    refused(sign(keys.active(), claims().claim("roles", "MERCHANT_OWNER").build()));
    refused(sign(keys.active(), claims().claim("roles", 7).build()));
    refused(sign(keys.active(), claims().claim("roles", java.util.Map.of("a", 1)).build()));
    refused(sign(keys.active(), claims().claim("roles", List.of(1, 2)).build()));
    refused(sign(keys.active(), claims().claim("mid", List.of(merchant)).build()));
  }

  @Test
  void garbageAndMissingTokensAre401() {
    refused("not.a.jwt");
    http.get()
        .uri("/api/v1/merchants/{m}/products", merchant)
        .header(Tokens.ANONYMOUS, "1")
        .exchange()
        .expectStatus()
        .isUnauthorized()
        .expectHeader()
        .valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
        .expectHeader()
        .contentType("application/problem+json");
  }
}
