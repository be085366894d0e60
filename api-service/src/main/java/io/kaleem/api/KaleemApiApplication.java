package io.kaleem.api;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The Kaleem merchant API: one deployment serves one tenant. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class KaleemApiApplication {

  public static void main(String[] args) {
    try {
      SpringApplication.run(KaleemApiApplication.class, args);
    } catch (RuntimeException | Error e) {
      // Every log line goes through an asynchronous appender. A start that fails before Spring's
      // logging shutdown hook is registered (an environment post-processor refusing the prod
      // configuration, say) would exit with the reason still queued: stopping the context drains
      // the queue, so the line that says why the pod is crash-looping reaches its log.
      if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
        logback.stop();
      }
      throw e;
    }
  }
}
