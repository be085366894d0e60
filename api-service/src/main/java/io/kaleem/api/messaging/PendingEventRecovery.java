package io.kaleem.api.messaging;

import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Moves events left in their aggregate's document ({@link DomainEvents#FIELD}) to the outbox: the
 * events of a process that died between a change and the move that normally follows it at once.
 * Only events older than {@code relay.recovery-interval} are taken, so it does not race the normal
 * move (a race would be harmless: moves are keyed by event id). Every replica may run it; two
 * running at once insert the same ids, and the second insert is a no-op.
 */
@Component
class PendingEventRecovery implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(PendingEventRecovery.class);
  private static final int BATCH = 200;

  private final ReactiveMongoTemplate mongo;
  private final DomainEvents events;
  private final Clock clock;
  private final MessagingProperties.Relay cfg;
  private volatile Disposable loop;

  PendingEventRecovery(
      ReactiveMongoTemplate mongo, DomainEvents events, Clock clock, MessagingProperties props) {
    this.mongo = mongo;
    this.events = events;
    this.clock = clock;
    this.cfg = props.relay();
  }

  @EventListener(ApplicationReadyEvent.class)
  void start() {
    if (!cfg.enabled() || loop != null) {
      return;
    }
    loop =
        Flux.interval(cfg.recoveryInterval(), cfg.recoveryInterval(), Schedulers.parallel())
            .onBackpressureDrop()
            .concatMap(
                t ->
                    recover(cfg.recoveryInterval())
                        .onErrorResume(
                            e -> {
                              log.warn("pending event recovery failed: {}", e.toString());
                              return Mono.just(0);
                            }),
                1)
            .subscribe();
  }

  /** Moves the pending events older than {@code age}; the number of documents handled. */
  Mono<Integer> recover(Duration age) {
    Date before = Date.from(clock.instant().minus(age));
    return Flux.fromIterable(DomainEvents.HOLDERS)
        .concatMap(
            type -> {
              // The shape of the partial index <collection>_pending_events (IndexCatalog).
              Query q =
                  new Query(
                          Criteria.where(DomainEvents.FIELD + ".0")
                              .exists(true)
                              .and(DomainEvents.FIELD + ".occurredAt")
                              .lt(before))
                      .limit(BATCH);
              q.fields().include("_id");
              return mongo
                  .find(q, Document.class, mongo.getCollectionName(type))
                  .concatMap(d -> events.flush(type, d.get("_id")).thenReturn(1));
            })
        .count()
        .map(Long::intValue)
        .doOnNext(
            n -> {
              if (n > 0) {
                log.warn("moved the pending events of {} documents to the outbox", n);
              }
            });
  }

  @Override
  public void destroy() {
    Disposable d = loop;
    if (d != null) {
      d.dispose();
    }
  }
}
