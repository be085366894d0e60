package io.kaleem.api.messaging;

import io.kaleem.api.common.Timestamps;
import io.kaleem.crds.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.BulkOperations.BulkMode;
import org.springframework.data.mongodb.core.ReactiveBulkOperations;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Moves events from the outbox to the broker. Each round: take the lease ({@link RelayLease}), read
 * the oldest pending events, publish them with confirms, and mark sent exactly the confirmed ones.
 * Within a round, events of one aggregate go one after another (the next only after the previous
 * was confirmed) and different aggregates in parallel; the first failure of an aggregate stops that
 * aggregate for the round, so a later event never overtakes an earlier one. Rounds repeat at once
 * while they find a full batch, else on the next wake-up or poll.
 *
 * <p>Broker down: every publish fails, nothing is marked, the outbox grows; the next round after
 * the broker returns sends the backlog oldest first.
 */
@Component
class OutboxRelay implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

  private final ReactiveMongoTemplate mongo;
  private final RelayLease lease;
  private final EventPublisher publisher;
  private final RelaySignal signal;
  private final Clock clock;
  private final MessagingProperties.Relay cfg;
  private final MeterRegistry meters;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private volatile Disposable loop;
  private volatile boolean running;

  OutboxRelay(
      ReactiveMongoTemplate mongo,
      RelayLease lease,
      EventPublisher publisher,
      RelaySignal signal,
      Clock clock,
      MessagingProperties props,
      MeterRegistry meters) {
    this.mongo = mongo;
    this.lease = lease;
    this.publisher = publisher;
    this.signal = signal;
    this.clock = clock;
    this.cfg = props.relay();
    this.meters = meters;
  }

  /**
   * Starts after the application is ready: the consumer bindings have declared their queues by
   * then, so the first events relayed already have somewhere to go.
   */
  @EventListener(ApplicationReadyEvent.class)
  void startRelaying() {
    if (!cfg.enabled() || loop != null) {
      return;
    }
    loop =
        Flux.merge(
                Flux.interval(Duration.ZERO, cfg.pollInterval()).map(t -> true), signal.wakeups())
            .onBackpressureDrop()
            .concatMap(tick -> drain().onErrorResume(this::logged), 1)
            .subscribeOn(Schedulers.single())
            .subscribe();
  }

  private Mono<Integer> logged(Throwable e) {
    log.warn("outbox relay round failed; retrying at the next poll: {}", e.toString());
    return Mono.just(0);
  }

  /** Relays rounds until one finds less than a full batch; the number of events confirmed. */
  Mono<Integer> drain() {
    return round()
        .expand(r -> r.full() && r.confirmed() > 0 && running ? round() : Mono.empty())
        .map(Round::confirmed)
        .reduce(0, Integer::sum);
  }

  record Round(int read, int confirmed, boolean full) {}

  /** One lease-held batch. */
  Mono<Round> round() {
    return lease
        .acquire()
        .flatMap(held -> held ? publishBatch() : Mono.just(new Round(0, 0, false)));
  }

  private Mono<Round> publishBatch() {
    Query pending =
        new Query(Criteria.where("status").is(OutboxEvent.Status.PENDING.name()))
            .with(Sort.by("createdAt", "_id"))
            .limit(cfg.batchSize());
    return mongo
        .find(pending, OutboxEvent.class)
        .collectList()
        .flatMap(
            batch -> {
              if (batch.isEmpty()) {
                return Mono.just(new Round(0, 0, false));
              }
              Map<String, List<OutboxEvent>> byAggregate = new LinkedHashMap<>();
              for (OutboxEvent e : batch) {
                byAggregate.computeIfAbsent(e.aggregate(), k -> new ArrayList<>()).add(e);
              }
              return Flux.fromIterable(byAggregate.values())
                  .flatMap(this::publishInOrder, cfg.concurrency())
                  .collectList()
                  .flatMap(this::markSent)
                  .map(n -> new Round(batch.size(), n, batch.size() == cfg.batchSize()));
            });
  }

  /** The aggregate's events one after another, stopping at the first that is not confirmed. */
  private Flux<OutboxEvent> publishInOrder(List<OutboxEvent> events) {
    return Flux.fromIterable(events)
        .concatMap(
            e -> {
              counter(MetricNames.EVENTS_PUBLISHED, e.type()).increment();
              return publisher
                  .publish(e)
                  .doOnNext(ok -> counter(MetricNames.EVENTS_CONFIRMED, e.type()).increment())
                  .doOnError(err -> counter(MetricNames.EVENTS_FAILED, e.type()).increment());
            })
        .onErrorResume(
            err -> {
              log.debug("outbox relay: {}", err.toString());
              return Mono.empty();
            });
  }

  /**
   * Marks the confirmed events sent in one round trip: an unordered bulk of one update by {@code
   * _id} per event. Not one {@code updateMany} with {@code _id $in [...]}: the in-process
   * MongoDB-wire server answers that by matching every outbox document against every id (batch x
   * outbox comparisons; it was most of a drain's time), while an update by {@code _id} is an index
   * lookup there as on MongoDB.
   */
  private Mono<Integer> markSent(List<OutboxEvent> confirmed) {
    if (confirmed.isEmpty()) {
      return Mono.just(0);
    }
    Instant now = Timestamps.now(clock);
    Update u =
        new Update()
            .set("status", OutboxEvent.Status.SENT.name())
            .set("sentAt", now)
            .set("expiresAt", now.plus(cfg.sentRetention()));
    ReactiveBulkOperations bulk = mongo.bulkOps(BulkMode.UNORDERED, OutboxEvent.class);
    for (OutboxEvent e : confirmed) {
      bulk.updateOne(new Query(Criteria.where("_id").is(e.id())), u);
    }
    return bulk.execute().map(r -> confirmed.size());
  }

  private Counter counter(String name, String type) {
    return counters.computeIfAbsent(
        name + "|" + type,
        k -> Counter.builder(name).tag(MetricNames.LABEL_EVENT_TYPE, type).register(meters));
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    Disposable d = loop;
    if (d != null) {
      d.dispose();
    }
    try {
      lease.release().block(Duration.ofSeconds(2));
    } catch (RuntimeException e) {
      log.debug("lease not released at shutdown: {}", e.toString());
    }
    publisher.close();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Stops before the binders (which stop at their default phase) so no publish is cut off. */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE - 100;
  }
}
