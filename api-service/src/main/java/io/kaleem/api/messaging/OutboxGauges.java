package io.kaleem.api.messaging;

import io.kaleem.crds.metrics.MetricNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code outbox_depth} and {@code outbox_oldest_age_seconds}: how many events wait for the broker
 * and for how long. Refreshed in the background ({@link #refresh}) because a gauge is read on the
 * scrape thread, which must not wait for MongoDB; both queries use the relay's index prefix.
 */
@Component
public class OutboxGauges {

  static final Duration PERIOD = Duration.ofSeconds(5);

  private final ReactiveMongoTemplate mongo;
  private final Clock clock;
  private final AtomicLong depth = new AtomicLong();
  private final AtomicLong oldestAgeMillis = new AtomicLong();
  private Disposable refresher;

  OutboxGauges(ReactiveMongoTemplate mongo, Clock clock, MeterRegistry meters) {
    this.mongo = mongo;
    this.clock = clock;
    Gauge.builder(MetricNames.OUTBOX_DEPTH, depth, AtomicLong::get)
        .description("Outbox events not yet confirmed by the broker")
        .register(meters);
    Gauge.builder(MetricNames.OUTBOX_OLDEST_AGE, oldestAgeMillis, a -> a.get() / 1000.0)
        .description("Age of the oldest unconfirmed outbox event")
        .baseUnit("seconds")
        .register(meters);
  }

  @EventListener(ApplicationReadyEvent.class)
  void startRefreshing() {
    refresher =
        Flux.interval(Duration.ZERO, PERIOD)
            .concatMap(t -> refresh().onErrorResume(e -> Mono.empty()), 1)
            .subscribe();
  }

  /** Reads depth and oldest age now; the gauges show them until the next refresh. */
  public Mono<Void> refresh() {
    Query pending = new Query(Criteria.where("status").is(OutboxEvent.Status.PENDING.name()));
    Mono<Long> count = mongo.count(pending, OutboxEvent.class);
    Mono<Long> age =
        mongo
            .findOne(
                Query.of(pending).with(Sort.by("createdAt", "_id")).limit(1), OutboxEvent.class)
            .map(e -> Math.max(0, clock.millis() - e.createdAt().toEpochMilli()))
            .defaultIfEmpty(0L);
    return Mono.zip(count, age)
        .doOnNext(
            t -> {
              depth.set(t.getT1());
              oldestAgeMillis.set(t.getT2());
            })
        .then();
  }

  public long depth() {
    return depth.get();
  }

  @jakarta.annotation.PreDestroy
  void stop() {
    if (refresher != null) {
      refresher.dispose();
    }
  }
}
