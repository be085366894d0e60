package io.kaleem.api.messaging;

import io.kaleem.crds.indexes.IndexCatalog;
import java.time.Instant;
import org.bson.types.ObjectId;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * One event in the outbox. {@code payload} is the exact JSON the broker receives, written with the
 * change it describes, so what is published never depends on state read later. The relay reads
 * {@code PENDING} events oldest first ({@code outbox_pending}); {@code _id} is an ObjectId, which
 * grows within a process, so two events of one aggregate recorded in the same millisecond still
 * sort in the order they were recorded.
 */
@Document(IndexCatalog.OUTBOX)
public record OutboxEvent(
    @Id ObjectId id,
    String type,
    String aggregate,
    String merchantId,
    String payload,
    Status status,
    Instant createdAt,
    Instant sentAt,
    Instant expiresAt) {

  /** {@code PENDING} until the broker confirmed it; then {@code SENT}. */
  public enum Status {
    PENDING,
    SENT
  }
}
