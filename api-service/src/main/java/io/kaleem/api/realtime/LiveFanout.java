package io.kaleem.api.realtime;

import io.kaleem.api.messaging.EventEnvelope;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.messaging.Message;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code liveUpdates} binding's consumer: every replica has its own anonymous queue bound to
 * every event type, so every replica sees every event and hands it to {@link LiveSessions} for its
 * own clients. Nothing here retries: a live update that cannot be read is logged and skipped (the
 * page re-reads on reconnect), and a slow client never slows this thread (its queue overflows and
 * it is dropped).
 */
final class LiveFanout implements Consumer<Message<byte[]>> {

  private static final Logger log = LoggerFactory.getLogger(LiveFanout.class);

  private final LiveSessions sessions;
  private final ObjectReader reader;

  LiveFanout(LiveSessions sessions, JsonMapper json) {
    this.sessions = sessions;
    this.reader =
        json.readerFor(EventEnvelope.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  @Override
  public void accept(Message<byte[]> message) {
    EventEnvelope event;
    try {
      event = reader.readValue(message.getPayload());
    } catch (RuntimeException e) {
      log.warn("live update skipped, not an event envelope: {}", e.getMessage());
      return;
    }
    sessions.dispatch(event, new String(message.getPayload(), StandardCharsets.UTF_8));
  }
}
