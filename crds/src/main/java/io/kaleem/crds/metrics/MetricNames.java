package io.kaleem.crds.metrics;

/**
 * Every Prometheus series name and label key that more than one part of the platform uses: the API
 * exports them, the operator's PrometheusRule and rollout analysis query them, and the dashboards
 * and alert files under {@code observability/} are checked against them. Names are the seed
 * system's (see {@code shared/seed/README.md}); a name is added here before any module uses it, so
 * a query can never ask for a series nobody exports.
 *
 * <p>Base names are given without the {@code _bucket}/{@code _count}/{@code _sum} suffixes
 * Prometheus adds to a histogram; {@link #bucket}, {@link #count} and {@link #sum} build them.
 */
public final class MetricNames {

  private MetricNames() {}

  // ---- HTTP (api-service observability) ----
  /** Histogram of request latency: labels method, route, status_code. */
  public static final String HTTP_REQUEST_DURATION = "http_request_duration_seconds";

  /** Counter of every answered request: labels method, route, status_code. */
  public static final String HTTP_REQUESTS = "http_requests_total";

  /** Counter of answers with status >= 400: labels method, route, status_code, error_type. */
  public static final String HTTP_ERRORS = "http_errors_total";

  // ---- Database ----
  /** Histogram of MongoDB command latency: labels operation, collection, status. */
  public static final String DATABASE_QUERY_DURATION = "database_query_duration_seconds";

  /**
   * Gauge of pooled MongoDB connections: label state ({@link #STATE_ACTIVE} checked out, {@link
   * #STATE_IDLE} open in the pool); their sum is the pool's size.
   */
  public static final String MONGODB_CONNECTIONS = "mongodb_connections";

  // ---- Cache (owned by the cache feature) ----
  /** Counter of cache hits: labels cache_level, cache_key_prefix. */
  public static final String CACHE_HIT = "cache_hit_total";

  /** Counter of cache misses (all levels missed): label cache_key_prefix. */
  public static final String CACHE_MISS = "cache_miss_total";

  /** Counter of cache operations: labels operation, result, cache_level. */
  public static final String CACHE_OPERATIONS = "cache_operations_total";

  /** Histogram of loads from the database after both levels missed: label cache_key_prefix. */
  public static final String CACHE_LOAD_DURATION = "cache_load_duration_seconds";

  /** Gauge of entries in this instance's L1. */
  public static final String CACHE_L1_ENTRIES = "cache_l1_entries";

  /** Counter of L1 entries evicted for size (not expiry, not invalidation). */
  public static final String CACHE_L1_EVICTIONS = "cache_l1_evictions_total";

  /** Counter of warming runs: label result (completed, cut, skipped, failed). */
  public static final String CACHE_WARMING_RUNS = "cache_warming_runs_total";

  /** Histogram of warming run durations: label result. */
  public static final String CACHE_WARMING_DURATION = "cache_warming_duration_seconds";

  /** Counter of entries loaded by warming runs. */
  public static final String CACHE_WARMING_KEYS = "cache_warming_keys_total";

  /** Values of {@link #LABEL_CACHE_LEVEL}. */
  public static final String CACHE_LEVEL_L1 = "l1";

  public static final String CACHE_LEVEL_L2 = "l2";

  // ---- Realtime (owned by the realtime feature) ----
  /** Gauge of open WebSocket sessions: labels gateway, authenticated. */
  public static final String WEBSOCKET_CONNECTIONS_ACTIVE = "websocket_connections_active";

  // ---- JVM and process (Micrometer's standard binders; read by the resource alerts) ----
  /** Share (0..1) of the long-lived heap pool in use after the last collection: label area. */
  public static final String JVM_MEMORY_USAGE_AFTER_GC = "jvm_memory_usage_after_gc";

  /** Share (0..1) of the CPUs available to the JVM that the process used recently. */
  public static final String PROCESS_CPU_USAGE = "process_cpu_usage";

  /** Open file descriptors of the process. */
  public static final String PROCESS_FILES_OPEN = "process_files_open_files";

  /** The process's file descriptor limit. */
  public static final String PROCESS_FILES_MAX = "process_files_max_files";

  /** Seconds since the JVM started (dashboards: restarts). */
  public static final String PROCESS_UPTIME = "process_uptime_seconds";

  /** Bytes used per memory pool: labels area, id (dashboards). */
  public static final String JVM_MEMORY_USED = "jvm_memory_used_bytes";

  /** Live platform threads (dashboards). */
  public static final String JVM_THREADS_LIVE = "jvm_threads_live_threads";

  /** Share (0..1) of recent CPU time spent in garbage collection (dashboards). */
  public static final String JVM_GC_OVERHEAD = "jvm_gc_overhead";

  // ---- Business (api-service, updated by the domain, never by a scan per scrape) ----
  /** Gauge of user accounts. */
  public static final String BUSINESS_USERS = "kaleem_users";

  /** Gauge of merchants. */
  public static final String BUSINESS_MERCHANTS = "kaleem_merchants";

  /** Gauge of products. */
  public static final String BUSINESS_PRODUCTS = "kaleem_products";

  /** Gauge of orders: label status (the order status names). */
  public static final String BUSINESS_ORDERS = "kaleem_orders";

  /** Counter of the value of orders that reached PAID, in major units: label currency. */
  public static final String BUSINESS_REVENUE = "kaleem_revenue_total";

  // ---- Logging (api-service observability) ----
  /**
   * Counter of log lines produced but never written: labels reason ({@code queue_full}: the
   * asynchronous appender's buffer was full; {@code unserialisable}: the JSON encoder failed on it;
   * {@code write_failed}: stdout refused it), level (error, warn, info, debug, trace).
   */
  public static final String LOG_EVENTS_DROPPED = "log_events_dropped_total";

  /** Counter of messages written to WebSocket sessions: label gateway. */
  public static final String WEBSOCKET_MESSAGES_SENT = "websocket_messages_sent_total";

  /**
   * Counter of messages not delivered to a session: labels gateway, reason (slow_client when a
   * client's bounded buffer overflowed and it was disconnected).
   */
  public static final String WEBSOCKET_MESSAGES_DROPPED = "websocket_messages_dropped_total";

  // ---- Messaging (owned by the messaging feature) ----
  /** Counter of events the outbox relay handed to the broker: label event_type. */
  public static final String EVENTS_PUBLISHED = "events_published_total";

  /** Counter of events the broker confirmed (marked sent in the outbox): label event_type. */
  public static final String EVENTS_CONFIRMED = "events_confirmed_total";

  /** Counter of publish attempts that failed or were nacked (retried later): label event_type. */
  public static final String EVENTS_FAILED = "events_failed_total";

  /** Gauge of outbox events not yet confirmed by the broker. */
  public static final String OUTBOX_DEPTH = "outbox_depth";

  /** Gauge of the age of the oldest unconfirmed outbox event (0 when empty). */
  public static final String OUTBOX_OLDEST_AGE = "outbox_oldest_age_seconds";

  /** Counter of events a consumer handled: labels consumer, result (applied, duplicate, failed). */
  public static final String EVENTS_CONSUMED = "events_consumed_total";

  /** Histogram of the time from an event's occurrence to its consumption: label consumer. */
  public static final String EVENT_CONSUMER_LAG = "event_consumer_lag_seconds";

  /** Gauge of messages waiting in a dead-letter queue: label queue. */
  public static final String DLQ_DEPTH = "dlq_depth";

  // ---- Label keys ----
  public static final String LABEL_METHOD = "method";
  public static final String LABEL_ROUTE = "route";
  public static final String LABEL_STATUS_CODE = "status_code";
  public static final String LABEL_ERROR_TYPE = "error_type";
  public static final String LABEL_OPERATION = "operation";
  public static final String LABEL_COLLECTION = "collection";
  public static final String LABEL_STATUS = "status";
  public static final String LABEL_STATE = "state";
  public static final String LABEL_CACHE_LEVEL = "cache_level";
  public static final String LABEL_CACHE_KEY_PREFIX = "cache_key_prefix";
  public static final String LABEL_RESULT = "result";
  public static final String LABEL_GATEWAY = "gateway";
  public static final String LABEL_AUTHENTICATED = "authenticated";
  public static final String LABEL_AREA = "area";
  public static final String LABEL_CURRENCY = "currency";

  public static final String LABEL_REASON = "reason";
  public static final String LABEL_LEVEL = "level";

  public static final String LABEL_EVENT_TYPE = "event_type";
  public static final String LABEL_CONSUMER = "consumer";
  public static final String LABEL_QUEUE = "queue";

  /**
   * Target labels the scrape adds (Kubernetes relabelling in {@code observability/prometheus} and
   * the operator's PodMonitor): every tenant-scoped query selects on them.
   */
  public static final String LABEL_NAMESPACE = "namespace";

  public static final String LABEL_TENANT = "tenant";

  /**
   * Target label the scrape copies from the pod label {@code kaleem.io/revision}: rollout analysis
   * selects one revision's pods with it.
   */
  public static final String LABEL_REVISION = "revision";

  /** Values of {@link #LABEL_STATE} on {@link #MONGODB_CONNECTIONS}. */
  public static final String STATE_ACTIVE = "active";

  public static final String STATE_IDLE = "idle";

  /** Values of {@link #LABEL_STATUS} on {@link #DATABASE_QUERY_DURATION}. */
  public static final String STATUS_SUCCESS = "success";

  public static final String STATUS_ERROR = "error";

  /** The {@link #LABEL_METHOD} value of every request whose method is not a standard one. */
  public static final String METHOD_OTHER = "OTHER";

  /** The one {@link #LABEL_ROUTE} value every path that matches no route shares. */
  public static final String ROUTE_UNMATCHED = "UNMATCHED";

  // ---- The operator itself (its /metrics; alert rules in AlertRules.operatorAlerts) ----
  /** Summary of one KaleemTenant reconcile (quantiles 0.5, 0.95, 0.99). */
  public static final String OPERATOR_RECONCILE_DURATION =
      "kaleem_operator_tenant_reconcile_seconds";

  /** Counter of writes to owned objects: labels kind, outcome (Created, Updated, Deleted). */
  public static final String OPERATOR_WRITES = "kaleem_operator_writes_total";

  /** Counter of Kubernetes Events recorded on tenants: labels type, reason. */
  public static final String OPERATOR_EVENTS = "kaleem_operator_events_total";

  /**
   * Gauge of Kubernetes Events waiting to be sent (they are sent off the reconcile thread): a
   * backlog after a burst (a fleet created at once) is API traffic still to come.
   */
  public static final String OPERATOR_EVENTS_QUEUED = "kaleem_operator_events_queued";

  /**
   * Counter of Event occurrences not recorded: label cause ({@code queue_full}, {@code error},
   * {@code shutdown}). Similar occurrences are folded into one Event first, so this stays 0 under a
   * burst; it counts an API server that refuses Events.
   */
  public static final String OPERATOR_EVENTS_DROPPED = "kaleem_operator_events_dropped_total";

  /**
   * Histogram of a rollout's duration, from its start to its verdict: label outcome ({@code
   * promoted}, {@code rolled_back}).
   */
  public static final String OPERATOR_ROLLOUT_DURATION = "kaleem_operator_rollout_duration_seconds";

  /** Counter of automatic rollbacks: label reason (a bounded category, see the operator). */
  public static final String OPERATOR_ROLLBACKS = "kaleem_operator_rollbacks_total";

  /** Counter of rollout analysis measurements: label outcome (success, failure, no_data, error). */
  public static final String OPERATOR_ANALYSIS_MEASUREMENTS =
      "kaleem_operator_analysis_measurements_total";

  /** Histogram of one tenant's index sync: label result (synced, failed). */
  public static final String OPERATOR_INDEX_SYNC_DURATION =
      "kaleem_operator_index_sync_duration_seconds";

  /** Gauge: event sources (informers) of the operator that are unhealthy right now. */
  public static final String OPERATOR_UNHEALTHY_EVENT_SOURCES =
      "kaleem_operator_unhealthy_event_sources";

  /** Label of a metric's outcome or result. */
  public static final String LABEL_OUTCOME = "outcome";

  // ---- Where Prometheus scrapes the API (the operator's pod annotations and PodMonitor) ----
  /** The API's management port: {@code /metrics} only, no token, not the public port. */
  public static final int SCRAPE_PORT = 9464;

  /** The container port name of {@link #SCRAPE_PORT}. */
  public static final String SCRAPE_PORT_NAME = "metrics";

  /** The path of the Prometheus/OpenMetrics exposition on {@link #SCRAPE_PORT}. */
  public static final String SCRAPE_PATH = "/metrics";

  public static String bucket(String histogram) {
    return histogram + "_bucket";
  }

  public static String count(String histogram) {
    return histogram + "_count";
  }

  public static String sum(String histogram) {
    return histogram + "_sum";
  }
}
