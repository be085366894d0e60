package io.kaleem.api.support;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.BsonDocument;
import org.springframework.boot.mongodb.autoconfigure.MongoClientSettingsBuilderCustomizer;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Every read command the application sends to MongoDB during the tests, as the driver sent it. The
 * index-coverage test checks these, not a list of queries someone remembered to write down.
 */
public class RecordedQueries implements CommandListener {

  /** A {@code find}, {@code count} or {@code aggregate} command, with its collection. */
  public record Recorded(String command, String collection, BsonDocument body) {}

  private final List<Recorded> recorded = new CopyOnWriteArrayList<>();

  @Override
  public void commandStarted(CommandStartedEvent event) {
    String name = event.getCommandName();
    if (name.equals("find") || name.equals("count") || name.equals("aggregate")) {
      BsonDocument cmd = event.getCommand();
      recorded.add(new Recorded(name, cmd.getString(name).getValue(), cmd.clone()));
    }
  }

  public List<Recorded> all() {
    return List.copyOf(recorded);
  }

  public void clear() {
    recorded.clear();
  }

  @TestConfiguration(proxyBeanMethods = false)
  public static class Configuration {
    @Bean
    RecordedQueries recordedQueries() {
      return new RecordedQueries();
    }

    /** The machine is shared and noisy: a slow answer is not a failure, a missing one is. */
    @Bean
    org.springframework.boot.webtestclient.autoconfigure.WebTestClientBuilderCustomizer
        patientClient() {
      return builder -> builder.responseTimeout(java.time.Duration.ofSeconds(30));
    }

    @Bean
    MongoClientSettingsBuilderCustomizer recordQueries(RecordedQueries queries) {
      return builder -> builder.addCommandListener(queries);
    }
  }
}
