package io.kaleem.api.messaging;

import java.time.Instant;
import java.util.Map;

/**
 * What goes over the wire for every event (version 1; docs/EVENTS.md). Consumers ignore fields they
 * do not know, and a change that breaks a reader gets a new {@code version}.
 *
 * @param id the event's unique id (24 hex): consumers de-duplicate on it
 * @param type the event type, also the routing key
 * @param version the schema version of {@code data}
 * @param occurredAt when the change was recorded
 * @param tenant the tenant whose API emitted it
 * @param merchantId the merchant the event belongs to (who may see it), or null for none
 * @param requestId the {@code X-Request-Id} of the request that caused it, or null
 * @param data the type's fields
 */
public record EventEnvelope(
    String id,
    String type,
    int version,
    Instant occurredAt,
    String tenant,
    String merchantId,
    String requestId,
    Map<String, Object> data) {

  /** A string field of {@code data}, or null. */
  public String text(String field) {
    Object v = data == null ? null : data.get(field);
    return v == null ? null : v.toString();
  }
}
