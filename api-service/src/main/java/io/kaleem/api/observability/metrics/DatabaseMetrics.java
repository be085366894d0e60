package io.kaleem.api.observability.metrics;

import com.mongodb.event.CommandFailedEvent;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.CommandSucceededEvent;
import com.mongodb.event.ConnectionCheckedInEvent;
import com.mongodb.event.ConnectionCheckedOutEvent;
import com.mongodb.event.ConnectionClosedEvent;
import com.mongodb.event.ConnectionCreatedEvent;
import com.mongodb.event.ConnectionPoolListener;
import io.kaleem.crds.metrics.MetricNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * MongoDB metrics from the driver's own events, registered on the client by {@link
 * MetricsConfiguration}: {@code database_query_duration_seconds{operation,collection,status}} from
 * command events (a command that the server answers with write errors is an {@code error}: the
 * driver reports it as succeeded, the application sees a failure), and {@code
 * mongodb_connections{state}} from pool events (checked-out connections are {@code active}, the
 * rest of the open ones {@code idle}). Both gauges exist from start-up at 0, so "no connection" is
 * a value an alert can compare, not a missing series.
 */
public final class DatabaseMetrics implements CommandListener, ConnectionPoolListener {

  static final Duration[] BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofMillis(1000),
    Duration.ofMillis(5000)
  };

  /** Commands whose first field names the collection they act on. */
  private static final Set<String> ON_COLLECTION =
      Set.of(
          "find",
          "insert",
          "update",
          "delete",
          "aggregate",
          "count",
          "distinct",
          "findAndModify",
          "createIndexes",
          "listIndexes",
          "dropIndexes",
          "drop",
          "create",
          "collMod");

  /** Label values kept as they are; anything else (a hand-made command) becomes "other". */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  static final String NONE = "none";
  static final String OTHER = "other";
  static final int MAX_COLLECTIONS = 100;

  private final MeterRegistry registry;
  private final ConcurrentMap<Integer, String> collections = new ConcurrentHashMap<>();
  private final ConcurrentMap<Key, Timer> timers = new ConcurrentHashMap<>();
  private final Set<String> seenCollections = ConcurrentHashMap.newKeySet();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger checkedOut = new AtomicInteger();

  public DatabaseMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder(MetricNames.MONGODB_CONNECTIONS, checkedOut, AtomicInteger::get)
        .description("Pooled MongoDB connections by state")
        .tag(MetricNames.LABEL_STATE, MetricNames.STATE_ACTIVE)
        .register(registry);
    Gauge.builder(MetricNames.MONGODB_CONNECTIONS, this, DatabaseMetrics::idle)
        .description("Pooled MongoDB connections by state")
        .tag(MetricNames.LABEL_STATE, MetricNames.STATE_IDLE)
        .register(registry);
  }

  private double idle() {
    return Math.max(0, open.get() - checkedOut.get());
  }

  // ---- commands ----

  @Override
  public void commandStarted(CommandStartedEvent event) {
    collections.put(event.getRequestId(), collection(event.getCommandName(), event.getCommand()));
  }

  @Override
  public void commandSucceeded(CommandSucceededEvent event) {
    BsonDocument reply = event.getResponse();
    boolean failed =
        reply != null
            && (reply.containsKey("writeErrors") || reply.containsKey("writeConcernError"));
    record(
        event.getRequestId(),
        event.getCommandName(),
        event.getElapsedTime(TimeUnit.NANOSECONDS),
        failed);
  }

  @Override
  public void commandFailed(CommandFailedEvent event) {
    record(
        event.getRequestId(),
        event.getCommandName(),
        event.getElapsedTime(TimeUnit.NANOSECONDS),
        true);
  }

  private void record(int requestId, String command, long nanos, boolean failed) {
    String collection = collections.remove(requestId);
    Key key =
        new Key(
            label(command),
            collection == null ? NONE : collection,
            failed ? MetricNames.STATUS_ERROR : MetricNames.STATUS_SUCCESS);
    timers.computeIfAbsent(key, this::timer).record(nanos, TimeUnit.NANOSECONDS);
  }

  private Timer timer(Key k) {
    // Micrometer's Prometheus naming exports this as MetricNames.DATABASE_QUERY_DURATION.
    return Timer.builder("database.query.duration")
        .description("MongoDB command latency as the driver measured it")
        .tag(MetricNames.LABEL_OPERATION, k.operation)
        .tag(MetricNames.LABEL_COLLECTION, k.collection)
        .tag(MetricNames.LABEL_STATUS, k.status)
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
  }

  /** The collection a command acts on, bounded to {@link #MAX_COLLECTIONS} distinct names. */
  private String collection(String command, BsonDocument body) {
    BsonValue v = null;
    if (ON_COLLECTION.contains(command)) {
      v = body.get(command);
    } else if ("getMore".equals(command)) {
      v = body.get("collection");
    }
    if (v == null || !v.isString()) {
      return NONE;
    }
    String name = label(v.asString().getValue());
    if (seenCollections.contains(name)) {
      return name;
    }
    if (seenCollections.size() >= MAX_COLLECTIONS) {
      return OTHER;
    }
    seenCollections.add(name);
    return name;
  }

  private static String label(String value) {
    return value != null && NAME.matcher(value).matches() ? value : OTHER;
  }

  // ---- pool ----

  @Override
  public void connectionCreated(ConnectionCreatedEvent event) {
    open.incrementAndGet();
  }

  @Override
  public void connectionClosed(ConnectionClosedEvent event) {
    open.decrementAndGet();
  }

  @Override
  public void connectionCheckedOut(ConnectionCheckedOutEvent event) {
    checkedOut.incrementAndGet();
  }

  @Override
  public void connectionCheckedIn(ConnectionCheckedInEvent event) {
    checkedOut.decrementAndGet();
  }

  private record Key(String operation, String collection, String status) {}
}
