package io.kaleem.api.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;

/**
 * An HTTP-level test against the whole application on a random port: the in-process MongoDB-wire
 * server in memory (or the real MongoDB named by {@code MONGODB_URI}, in a database of its own), no
 * demo data. Every test class with this annotation shares one application context. Requests run as
 * a platform admin with a real token unless they set their own (see {@link Tokens}). Request
 * budgets are raised so feature tests never meet a 429; rate limits are tested on their own
 * instances.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "kaleem.mongo.embedded.data-file=",
      "kaleem.mongo.embedded.demo-data=false",
      "spring.mongodb.database=kaleem-test-${random.uuid}",
      "kaleem.security.jwt.dev-key-file=",
      "kaleem.security.demo-users.enabled=false",
      "kaleem.public-url=https://api.kaleem.test",
      "kaleem.security.rate-limit.key-prefix=rl-test:${random.uuid}",
      "kaleem.cache.key-prefix=kc-test:${random.uuid}",
      "kaleem.security.rate-limit.auth=100000",
      "kaleem.security.rate-limit.anonymous=100000",
      "kaleem.security.rate-limit.plans.free=1000000",
      // The real RabbitMQ on loopback (make services-up); each application context publishes to
      // an exchange of its own, and its queues expire once unused, so test runs never share.
      "kaleem.messaging.broker-url=" + MessagingTestSupport.BROKER_URL,
      "kaleem.messaging.exchange=kaleem-test-${random.uuid}",
      "spring.cloud.stream.rabbit.default.consumer.expires=600000",
      "spring.cloud.stream.rabbit.default.consumer.dlq-expires=600000"
    })
@AutoConfigureWebTestClient
@Import({RecordedQueries.Configuration.class, Tokens.Configuration.class})
public @interface ApiTest {}
