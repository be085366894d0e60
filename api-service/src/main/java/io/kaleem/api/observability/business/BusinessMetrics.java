package io.kaleem.api.observability.business;

import com.mongodb.client.model.EstimatedDocumentCountOptions;
import io.kaleem.api.database.StartupTask;
import io.kaleem.api.money.Money;
import io.kaleem.api.orders.Order;
import io.kaleem.api.orders.OrderStatus;
import io.kaleem.crds.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.aggregation.Aggregation;
import org.springframework.data.mongodb.core.aggregation.AggregationOptions;
import org.springframework.data.mongodb.core.mapping.event.AfterSaveEvent;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Business metrics from the domain, never from a scan per scrape: {@code kaleem_users}, {@code
 * kaleem_merchants}, {@code kaleem_products}, {@code kaleem_orders{status}} and {@code
 * kaleem_revenue_total{currency}} (the value of orders that reached PAID, in major units).
 *
 * <p>Start-up counts each collection once (a start-up task, after the demo data, before the API is
 * ready), then every insert the API makes moves the gauges (Spring Data's {@link AfterSaveEvent},
 * published by {@code ReactiveMongoTemplate} for each inserted document, so no service has to
 * remember to call us) and every order status change moves one order between statuses ({@link
 * #orderStatusChanged}, called by the order service after its conditional update won). Events that
 * arrive before the counts are in are already part of them and are ignored.
 *
 * <p>Each replica counts the changes it makes itself on top of its start-up count: across replicas
 * {@code max} is a lower bound of the truth and the counters ({@code revenue}) sum exactly; the
 * gauges are exact again at each restart. Users, merchants and products are never deleted by the
 * API (they are deactivated, closed, archived), so inserts are the only change to their counts.
 */
@Component
@org.springframework.core.annotation.Order(Ordered.LOWEST_PRECEDENCE)
public class BusinessMetrics implements StartupTask, ApplicationListener<AfterSaveEvent<?>> {

  static final String USERS = "users";
  static final String MERCHANTS = "merchants";
  static final String PRODUCTS = "products";
  static final String ORDERS = "orders";

  private final ReactiveMongoTemplate mongo;
  private final MeterRegistry registry;
  private final Map<String, AtomicLong> totals = new ConcurrentHashMap<>();
  private final Map<OrderStatus, AtomicLong> orders = new EnumMap<>(OrderStatus.class);
  private final Map<String, Counter> revenue = new ConcurrentHashMap<>();
  private volatile boolean counted;

  public BusinessMetrics(ReactiveMongoTemplate mongo, MeterRegistry registry) {
    this.mongo = mongo;
    this.registry = registry;
    gauge(MetricNames.BUSINESS_USERS, USERS, "User accounts");
    gauge(MetricNames.BUSINESS_MERCHANTS, MERCHANTS, "Merchants");
    gauge(MetricNames.BUSINESS_PRODUCTS, PRODUCTS, "Products");
    for (OrderStatus s : OrderStatus.values()) {
      AtomicLong n = new AtomicLong();
      orders.put(s, n);
      Gauge.builder(MetricNames.BUSINESS_ORDERS, n, AtomicLong::get)
          .description("Orders by status")
          .tag(MetricNames.LABEL_STATUS, s.name())
          .register(registry);
    }
  }

  private void gauge(String name, String collection, String description) {
    AtomicLong n = new AtomicLong();
    totals.put(collection, n);
    Gauge.builder(name, n, AtomicLong::get).description(description).register(registry);
  }

  /**
   * The {@code comment} of the start-up counts: they are the only whole-collection reads the API
   * makes, once per start, never on a request path; the comment names them in the database's
   * profiler and lets the index-coverage test tell them from request queries.
   */
  public static final String STARTUP_COMMENT = "kaleem:startup-count";

  /** The start-up counts: one count per collection and one group-by of orders by status. */
  @Override
  public Mono<Void> run() {
    Mono<Void> plain =
        Flux.just(USERS, MERCHANTS, PRODUCTS)
            .flatMap(
                c ->
                    mongo
                        .getCollection(c)
                        .flatMap(
                            coll ->
                                Mono.from(
                                    coll.estimatedDocumentCount(
                                        new EstimatedDocumentCountOptions()
                                            .comment(STARTUP_COMMENT))))
                        .doOnNext(n -> totals.get(c).set(n)))
            .then();
    Mono<Void> byStatus =
        mongo
            .aggregate(
                Aggregation.newAggregation(Aggregation.group("status").count().as("n"))
                    .withOptions(AggregationOptions.builder().comment(STARTUP_COMMENT).build()),
                ORDERS,
                Document.class)
            .doOnNext(
                d -> {
                  OrderStatus s = status(d.get("_id"));
                  if (s != null) {
                    orders.get(s).set(((Number) d.get("n")).longValue());
                  }
                })
            .then();
    return plain.then(byStatus).doOnSuccess(done -> counted = true);
  }

  @Override
  public void onApplicationEvent(AfterSaveEvent<?> event) {
    if (!counted) {
      return;
    }
    String collection = event.getCollectionName();
    AtomicLong total = totals.get(collection);
    if (total != null) {
      total.incrementAndGet();
    } else if (ORDERS.equals(collection) && event.getDocument() != null) {
      OrderStatus s = status(event.getDocument().get("status"));
      if (s != null) {
        orders.get(s).incrementAndGet();
      }
    }
  }

  /** Moves one order from {@code from} to its new status; reaching PAID adds its total. */
  public void orderStatusChanged(OrderStatus from, Order updated) {
    orders.get(from).decrementAndGet();
    orders.get(updated.status()).incrementAndGet();
    if (updated.status() == OrderStatus.PAID && updated.currency() != null) {
      revenue
          .computeIfAbsent(
              updated.currency(),
              c ->
                  // Exported as MetricNames.BUSINESS_REVENUE.
                  Counter.builder("kaleem.revenue")
                      .description("Value of orders that reached PAID, in major units")
                      .tag(MetricNames.LABEL_CURRENCY, c)
                      .register(registry))
          .increment(Money.fromMinor(updated.total(), updated.currency()).doubleValue());
    }
  }

  private static OrderStatus status(Object value) {
    if (value == null) {
      return null;
    }
    try {
      return OrderStatus.valueOf(value.toString());
    } catch (IllegalArgumentException unknown) {
      return null;
    }
  }
}
