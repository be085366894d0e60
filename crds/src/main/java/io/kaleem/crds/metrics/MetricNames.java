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

  /** Gauge of pooled MongoDB connections: label state (active, idle, total). */
  public static final String MONGODB_CONNECTIONS = "mongodb_connections";

  // ---- Cache (owned by the cache feature) ----
  /** Counter of cache hits: labels cache_level, cache_key_prefix. */
  public static final String CACHE_HIT = "cache_hit_total";

  /** Counter of cache misses (all levels missed): label cache_key_prefix. */
  public static final String CACHE_MISS = "cache_miss_total";

  /** Counter of cache operations: labels operation, result, cache_level. */
  public static final String CACHE_OPERATIONS = "cache_operations_total";

  // ---- Realtime (owned by the realtime feature) ----
  /** Gauge of open WebSocket sessions: labels gateway, authenticated. */
  public static final String WEBSOCKET_CONNECTIONS_ACTIVE = "websocket_connections_active";

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

  /** The one {@link #LABEL_ROUTE} value every path that matches no route shares. */
  public static final String ROUTE_UNMATCHED = "UNMATCHED";

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
