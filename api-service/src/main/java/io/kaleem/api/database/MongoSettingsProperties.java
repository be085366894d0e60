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
   * @param port the embedded server's loopback port; 0 picks a free one
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

  /**
   * @param maxSize most connections per MongoDB server
   * @param minSize connections kept open per server
   * @param maxIdleTime an idle connection is closed after this long
   * @param maxWaitTime longest wait for a free connection before the operation fails
   * @param connectTimeout longest time to open a connection
   * @param readTimeout longest wait for one server reply
   * @param serverSelectionTimeout longest wait for a suitable server (e.g. a primary)
   */
  public record Pool(
      @DefaultValue("20") int maxSize,
      @DefaultValue("5") int minSize,
      @DefaultValue("2m") Duration maxIdleTime,
      @DefaultValue("2s") Duration maxWaitTime,
      @DefaultValue("5s") Duration connectTimeout,
      @DefaultValue("10s") Duration readTimeout,
      @DefaultValue("5s") Duration serverSelectionTimeout) {}
}
