package io.kaleem.api.support;

import com.nimbusds.jose.jwk.JWKSet;
import io.kaleem.api.security.AccessTokenIssuer;
import io.kaleem.api.security.AuthenticatedUser;
import io.kaleem.api.security.JwtKeys;
import io.kaleem.api.security.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.bson.types.ObjectId;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * A whole API instance for the messaging tests: its own in-memory database, the shared signing keys
 * of its "cluster" (a token from one replica is valid on the others), an exchange chosen by the
 * test and a broker URL (the real RabbitMQ, or a proxy in front of it).
 */
public final class MessagingApp {

  public static final String JWKS = new JWKSet(JwtKeys.generate("messaging-key")).toString(false);

  private MessagingApp() {}

  public static StandaloneApp start(String exchange, String brokerUrl, String... more) {
    List<String> props =
        new ArrayList<>(
            List.of(
                "kaleem.mongo.embedded.data-file=",
                "kaleem.mongo.embedded.demo-data=false",
                "spring.mongodb.database=msg-" + UUID.randomUUID(),
                "kaleem.security.jwt.dev-key-file=",
                "kaleem.security.jwt.jwk-set=" + JWKS,
                "kaleem.security.demo-users.enabled=false",
                "kaleem.security.rate-limit.key-prefix=rl-msg:" + UUID.randomUUID(),
                "kaleem.security.rate-limit.plans.free=1000000",
                "kaleem.security.rate-limit.anonymous=100000",
                "kaleem.messaging.broker-url=" + brokerUrl,
                "kaleem.messaging.exchange=" + exchange,
                "spring.cloud.stream.rabbit.default.consumer.expires=600000",
                "spring.cloud.stream.rabbit.default.consumer.dlq-expires=600000"));
    props.addAll(List.of(more));
    return StandaloneApp.start(props.toArray(String[]::new));
  }

  public static int port(StandaloneApp app) {
    return ((WebServerApplicationContext) app.context).getWebServer().getPort();
  }

  /** A bearer header value for a user of {@code role} (of {@code merchantId}, or null). */
  public static String bearer(StandaloneApp app, Role role, String userId, String merchantId) {
    return "Bearer "
        + app.bean(AccessTokenIssuer.class)
            .issue(
                new AuthenticatedUser(
                    userId == null ? new ObjectId().toHexString() : userId,
                    role,
                    merchantId,
                    null));
  }
}
