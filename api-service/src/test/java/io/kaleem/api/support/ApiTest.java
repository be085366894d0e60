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
 * demo data. Every test class with this annotation shares one application context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "kaleem.mongo.embedded.data-file=",
      "kaleem.mongo.embedded.demo-data=false",
      "spring.mongodb.database=kaleem-test-${random.uuid}"
    })
@AutoConfigureWebTestClient
@Import(RecordedQueries.Configuration.class)
public @interface ApiTest {}
