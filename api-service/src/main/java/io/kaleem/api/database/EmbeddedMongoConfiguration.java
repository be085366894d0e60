package io.kaleem.api.database;

import com.mongodb.ConnectionString;
import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.mongodb.autoconfigure.MongoConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The embedded default: with no {@code MONGODB_URI}, an in-process MongoDB-wire server backed by an
 * H2 file, so {@code make run} works on a machine with only a JDK. Its query engine scans instead
 * of using non-unique indexes: fine for development, never for production.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(NoExternalMongoCondition.class)
class EmbeddedMongoConfiguration {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedMongoConfiguration.class);

  @Bean
  EmbeddedMongo embeddedMongo(MongoSettingsProperties settings) {
    MongoSettingsProperties.Embedded cfg = settings.embedded();
    MongoBackend backend;
    if (cfg.inMemory()) {
      backend = H2Backend.inMemory();
    } else {
      Path file = cfg.path().toAbsolutePath();
      try {
        Files.createDirectories(file.getParent());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create folder for embedded MongoDB: " + file, e);
      }
      backend = new H2Backend(file.toString());
    }
    MongoServer server = new MongoServer(backend);
    server.bind("127.0.0.1", cfg.port());
    log.info(
        "Embedded MongoDB-wire server on {} ({})",
        server.getLocalAddress(),
        cfg.inMemory() ? "in memory" : "persisted to " + cfg.path().toAbsolutePath());
    return new EmbeddedMongo(server, backend);
  }

  @Bean
  MongoConnectionDetails embeddedMongoConnectionDetails(EmbeddedMongo mongo, Environment env) {
    String database = env.getProperty("spring.mongodb.database", "kaleem");
    var address = mongo.server().getLocalAddress();
    var uri =
        new ConnectionString(
            "mongodb://" + address.getHostString() + ":" + address.getPort() + "/" + database);
    return () -> uri;
  }

  /** The server and its backend; closing the backend last flushes the H2 file. */
  record EmbeddedMongo(MongoServer server, MongoBackend backend) implements AutoCloseable {
    @Override
    public void close() {
      server.shutdownNow();
      backend.close();
    }
  }
}
