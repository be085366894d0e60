package io.kaleem.api.messaging;

import io.kaleem.api.common.Timestamps;
import io.kaleem.api.merchants.Merchant;
import io.kaleem.api.orders.Order;
import io.kaleem.api.products.Product;
import io.kaleem.api.tenant.TenantProperties;
import io.kaleem.api.tickets.Ticket;
import io.kaleem.crds.indexes.IndexCatalog;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.json.JsonMapper;

/**
 * Records domain events atomically with the change they describe, on any MongoDB (standalone, the
 * in-process MongoDB-wire server, a replica set): the event is written into the changed document
 * itself, in the same single-document write ({@value #FIELD}, a "pending event"). MongoDB applies
 * one document's write all or nothing, so a change never exists without its event and an event
 * never exists for a change that did not happen. Multi-document transactions would need a replica
 * set and are not atomic on the in-process server (docs/MESSAGING.md).
 *
 * <p>Right after the write, {@link #flush} moves the document's pending events into the {@code
 * outbox} (insert by event id, so a repeat is a no-op) and only then removes them from the
 * document. A process that dies between the two leaves them in the document; {@link
 * PendingEventRecovery} moves them later. Moving all of a document's pending events at once, oldest
 * first, keeps each aggregate's events in order even after such a crash.
 *
 * <p>An event recorded with an insert carries its complete payload. One recorded with an update
 * carries what the caller knows before the write (type, previous status, fields it sets); its
 * {@code data} is read from the document when it is moved, which right after the write is the state
 * the write produced (or, if another change of the same document landed in between, that later
 * state, whose own event follows).
 */
@Component
public class DomainEvents {

  private static final Logger log = LoggerFactory.getLogger(DomainEvents.class);

  /** The field of an aggregate's document that holds its not yet moved events. */
  public static final String FIELD = IndexCatalog.PENDING_EVENTS;

  /** The collections whose documents may hold pending events, with their document types. */
  static final List<Class<?>> HOLDERS =
      List.of(Order.class, Product.class, Ticket.class, Merchant.class, Notification.class);

  private final ReactiveMongoTemplate mongo;
  private final JsonMapper json;
  private final Clock clock;
  private final String tenant;
  private final RelaySignal signal;

  /**
   * The last move queued per document in this process. Moves of one document run one after the
   * other: a move inserts every event the document holds, so N concurrent writers of one document
   * would otherwise each insert up to N events (N² outbox inserts, most of them duplicates), and a
   * later move could insert a newer event before an earlier move inserted an older one.
   */
  private final Map<String, Mono<Void>> movesInFlight = new ConcurrentHashMap<>();

  /**
   * A fault injected between the change and the move to the outbox, standing in for a process that
   * dies there (tests only; null in production).
   */
  volatile Runnable beforeMove;

  DomainEvents(
      ReactiveMongoTemplate mongo,
      JsonMapper json,
      Clock clock,
      TenantProperties tenant,
      RelaySignal signal) {
    this.mongo = mongo;
    this.json = json;
    this.clock = clock;
    this.tenant = tenant.id();
    this.signal = signal;
  }

  /** An event to record with a new document, its data complete. */
  public record NewEvent(
      EventType type, String merchantId, String aggregateId, Map<String, Object> data) {}

  /** The request's origin, to be captured before work is detached from it. */
  public Mono<EventOrigin> origin() {
    return EventOrigin.current();
  }

  /**
   * Inserts {@code entity} with the events {@code events} derives from it (given the entity with
   * its id assigned) in the same write. Completes with the entity as stored; the caller then moves
   * the events with {@link #moved}.
   */
  public <T> Mono<T> insert(T entity, EventOrigin origin, Function<T, List<NewEvent>> events) {
    return insertAll(List.of(entity), origin, events).single();
  }

  /** As {@link #insert} for many documents of one type in one bulk insert, in order. */
  @SuppressWarnings("unchecked")
  public <T> Flux<T> insertAll(
      List<T> entities, EventOrigin origin, Function<T, List<NewEvent>> events) {
    return Flux.defer(
        () -> {
          if (entities.isEmpty()) {
            return Flux.empty();
          }
          Class<T> type = (Class<T>) entities.get(0).getClass();
          List<Document> docs = new ArrayList<>();
          List<T> stored = new ArrayList<>();
          for (T entity : entities) {
            Document doc = new Document();
            mongo.getConverter().write(entity, doc);
            if (doc.get("_id") == null) {
              doc.put("_id", new ObjectId());
            }
            T withId = mongo.getConverter().read(type, doc);
            List<Document> markers = new ArrayList<>();
            for (NewEvent e : events.apply(withId)) {
              Document m = marker(origin, e.type(), e.merchantId(), e.aggregateId(), null, null);
              m.put("payload", payload(m, e.data()));
              markers.add(m);
            }
            doc.put(FIELD, markers);
            docs.add(doc);
            stored.add(withId);
          }
          return mongo
              .insert(docs, mongo.getCollectionName(type))
              .thenMany(Flux.fromIterable(stored));
        });
  }

  /**
   * Moves the pending events of the document {@code id} of {@code type} ({@link #flush}) and
   * completes with {@code value}. The change is done and its events are durable in its document, so
   * a failed move is logged and left to {@link PendingEventRecovery}, not reported to the caller.
   */
  public <T> Mono<T> moved(Class<?> type, Object id, T value) {
    return flush(type, id)
        .onErrorResume(
            e -> {
              log.warn(
                  "events of {} {} stay in the document until recovery moves them: {}",
                  type.getSimpleName(),
                  id,
                  e.toString());
              return Mono.empty();
            })
        .thenReturn(value);
  }

  /**
   * {@code update} with an event of the request's origin added to the same write; the event's data
   * is the document after it (a null {@code aggregateId}: the updated document's id), {@code
   * previousStatus} and {@code overrides} (fields the caller sets, which a concurrent later change
   * could otherwise show) on top.
   */
  public Mono<Update> mark(
      Update update,
      EventType type,
      String merchantId,
      String aggregateId,
      String previousStatus,
      Map<String, Object> overrides) {
    return origin()
        .map(o -> mark(o, update, type, merchantId, aggregateId, previousStatus, overrides));
  }

  /** As {@link #mark(Update, EventType, String, String, String, Map)} with a captured origin. */
  public Update mark(
      EventOrigin origin,
      Update update,
      EventType type,
      String merchantId,
      String aggregateId,
      String previousStatus,
      Map<String, Object> overrides) {
    return update.push(
        FIELD, marker(origin, type, merchantId, aggregateId, previousStatus, overrides));
  }

  /**
   * Moves the pending events of the document {@code id} of {@code type} to the outbox, oldest
   * first, then removes exactly those from the document. Safe to repeat and to run concurrently
   * with another move of the same document: the outbox insert is keyed by event id.
   */
  public Mono<Void> flush(Class<?> type, Object id) {
    return Mono.defer(
        () -> {
          Runnable fault = beforeMove;
          if (fault != null) {
            fault.run();
          }
          String collection = mongo.getCollectionName(type);
          Query byId = new Query(Criteria.where("_id").is(id));
          return afterEarlierMoves(
              collection + "/" + id,
              mongo
                  .findOne(byId, Document.class, collection)
                  .flatMap(doc -> move(type, byId, collection, doc)));
        });
  }

  /**
   * Runs {@code move} once the move queued before it for the same document has ended (however it
   * ended); this one then re-reads the document, so it finds only what that move left. The entry is
   * removed by the last move of a queue, so the map holds only documents being moved.
   */
  private Mono<Void> afterEarlierMoves(String key, Mono<Void> move) {
    Sinks.Empty<Void> done = Sinks.empty();
    Mono<Void> mine = done.asMono();
    Mono<Void> earlier = movesInFlight.put(key, mine);
    Mono<Void> wait = earlier == null ? Mono.empty() : earlier.onErrorResume(e -> Mono.empty());
    return wait.then(move)
        .doFinally(
            signalType -> {
              done.tryEmitEmpty();
              movesInFlight.remove(key, mine);
            });
  }

  private Mono<Void> move(Class<?> type, Query byId, String collection, Document doc) {
    List<Document> markers = doc.getList(FIELD, Document.class);
    if (markers == null || markers.isEmpty()) {
      return Mono.empty();
    }
    List<Document> ordered = new ArrayList<>(markers);
    ordered.sort(Comparator.comparing(m -> m.getObjectId("_id")));
    Object[] entity = new Object[1];
    List<OutboxEvent> events = new ArrayList<>();
    for (Document m : ordered) {
      String payload = m.getString("payload");
      if (payload == null) {
        if (entity[0] == null) {
          entity[0] = mongo.getConverter().read(type, doc);
        }
        payload = payload(m, dataOf(m, entity[0]));
      }
      events.add(outboxEvent(m, payload, doc.get("_id")));
    }
    List<ObjectId> ids = events.stream().map(OutboxEvent::id).toList();
    return Flux.fromIterable(events)
        .concatMap(
            e ->
                mongo
                    .insert(e)
                    .then()
                    .onErrorResume(DuplicateKeyException.class, d -> Mono.empty()))
        .then(
            mongo.updateFirst(
                byId,
                new Update().pull(FIELD, new Document("_id", new Document("$in", ids))),
                collection))
        .doOnSuccess(r -> signal.wake())
        .then();
  }

  private Document marker(
      EventOrigin origin,
      EventType type,
      String merchantId,
      String aggregateId,
      String previousStatus,
      Map<String, Object> overrides) {
    Document m = new Document("_id", new ObjectId());
    m.put("type", type.type());
    m.put("aggregateId", aggregateId);
    m.put("merchantId", merchantId);
    m.put("requestId", origin.requestId());
    m.put("occurredAt", Date.from(Timestamps.now(clock)));
    if (previousStatus != null) {
      m.put("previousStatus", previousStatus);
    }
    if (overrides != null && !overrides.isEmpty()) {
      m.put("overrides", new Document(overrides));
    }
    return m;
  }

  /** The data of an update's event, from the document after the write. */
  private static Map<String, Object> dataOf(Document m, Object entity) {
    EventType type = EventType.of(m.getString("type"));
    String previous = m.getString("previousStatus");
    Map<String, Object> data =
        switch (type) {
          case ORDER_CREATED, ORDER_STATUS_CHANGED, ORDER_CANCELLED ->
              EventData.order((Order) entity, previous);
          case PRODUCT_CREATED, PRODUCT_CHANGED, PRODUCT_ARCHIVED ->
              EventData.product((Product) entity);
          case TICKET_OPENED, TICKET_STATUS_CHANGED -> EventData.ticket((Ticket) entity, previous);
          case TICKET_MESSAGE_ADDED -> EventData.ticketMessage((Ticket) entity);
          case MERCHANT_SUBSCRIPTION_CHANGED -> EventData.subscription((Merchant) entity);
          case PRODUCT_STOCK_LOW, NOTIFICATION_CREATED ->
              throw new IllegalStateException(type + " is recorded with its data, never derived");
        };
    Document overrides = m.get("overrides", Document.class);
    if (overrides != null) {
      data = new LinkedHashMap<>(data);
      data.putAll(overrides);
    }
    return data;
  }

  private String payload(Document m, Map<String, Object> data) {
    EventEnvelope envelope =
        new EventEnvelope(
            m.getObjectId("_id").toHexString(),
            m.getString("type"),
            EventType.VERSION,
            m.getDate("occurredAt").toInstant(),
            tenant,
            m.getString("merchantId"),
            m.getString("requestId"),
            data);
    return json.writeValueAsString(envelope);
  }

  /** The outbox entry of marker {@code m}; an absent aggregate id is the holding document's. */
  private static OutboxEvent outboxEvent(Document m, String payload, Object docId) {
    EventType type = EventType.of(m.getString("type"));
    String aggregateId = m.getString("aggregateId");
    if (aggregateId == null) {
      aggregateId = docId instanceof ObjectId o ? o.toHexString() : String.valueOf(docId);
    }
    Instant at = m.getDate("occurredAt").toInstant();
    return new OutboxEvent(
        m.getObjectId("_id"),
        type.type(),
        type.aggregate().name().toLowerCase(Locale.ROOT) + ":" + aggregateId,
        m.getString("merchantId"),
        payload,
        OutboxEvent.Status.PENDING,
        at,
        null,
        null);
  }
}
