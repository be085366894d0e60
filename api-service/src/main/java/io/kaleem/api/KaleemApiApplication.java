package io.kaleem.api;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The Kaleem merchant API: one deployment serves one tenant. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class KaleemApiApplication {

  public static void main(String[] args) {
    SpringApplication.run(KaleemApiApplication.class, args);
  }
}
