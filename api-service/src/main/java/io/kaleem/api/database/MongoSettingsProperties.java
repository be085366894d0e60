package io.kaleem.api.database;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the API talks to MongoDB.
 *
 * @param autoIndex create the catalog's indexes at start-up (dev/embedded); in production the
 *     operator owns indexes and this is {@code false}
 * @param embedded the in-process MongoDB-wire server used when no {@code MONGODB_URI} is given
 * @param pool connection pool and timeouts
 */
@ConfigurationProperties("kaleem.mongo")
public record MongoSettingsProperties(
    @DefaultValue("true") boolean autoIndex,
    @DefaultValue Embedded embedded,
    @DefaultValue Pool pool) {

  /**
   * @param dataFile the H2 file the embedded server persists to; empty for memory only
   * @param demoData load demo data into an empty database at start-up
   */
  public record Embedded(
      @DefaultValue("./data/kaleem.mv") String dataFile,
      @DefaultValue("true") boolean demoData,
      @DefaultValue("0") int port) {

    public boolean inMemory() {
      return dataFile == null || dataFile.isBlank();
    }

    public Path path() {
      return Path.of(dataFile);
    }
  }

  public record Pool(
      @DefaultValue("20") int maxSize,
      @DefaultValue("5") int minSize,
      @DefaultValue("2m") Duration maxIdleTime,
      @DefaultValue("2s") Duration maxWaitTime,
      @DefaultValue("5s") Duration connectTimeout,
      @DefaultValue("10s") Duration readTimeout,
      @DefaultValue("5s") Duration serverSelectionTimeout) {}
}
