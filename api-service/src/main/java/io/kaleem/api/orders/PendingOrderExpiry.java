package io.kaleem.api.orders;

import io.kaleem.api.common.Timestamps;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reservations expire: every {@code kaleem.orders.expiry-sweep-interval} each replica cancels the
 * PENDING orders older than {@code kaleem.orders.pending-ttl} (stock returned, {@code
 * order.cancelled} recorded). Replicas may sweep the same orders; the conditional update lets one
 * cancellation through per order.
 */
@Component
class PendingOrderExpiry {

  private static final Logger log = LoggerFactory.getLogger(PendingOrderExpiry.class);
  static final int BATCH = 200;

  private final OrderService orders;
  private final Clock clock;
  private final Duration ttl;
  private final Duration interval;
  private volatile Disposable running;

  PendingOrderExpiry(
      OrderService orders,
      Clock clock,
      @Value("${kaleem.orders.pending-ttl:30m}") Duration ttl,
      @Value("${kaleem.orders.expiry-sweep-interval:1m}") Duration interval) {
    this.orders = orders;
    this.clock = clock;
    this.ttl = ttl;
    this.interval = interval;
  }

  /** One sweep: cancels expired PENDING orders in batches until none is left; emits the count. */
  Mono<Long> sweep() {
    String reason = "Reservation expired: not paid within " + ttl;
    return Mono.defer(
        () ->
            orders
                .expirePendingBefore(Timestamps.now(clock).minus(ttl), BATCH, reason)
                .expand(
                    n ->
                        n == BATCH
                            ? orders.expirePendingBefore(
                                Timestamps.now(clock).minus(ttl), BATCH, reason)
                            : Mono.empty())
                .reduce(0L, Long::sum));
  }

  @EventListener(ApplicationReadyEvent.class)
  void start() {
    running =
        Flux.interval(interval, interval)
            .onBackpressureDrop()
            .concatMap(
                tick ->
                    sweep()
                        .doOnNext(
                            n -> {
                              if (n > 0) {
                                log.info(
                                    "Cancelled {} PENDING orders whose reservation expired", n);
                              }
                            })
                        .onErrorResume(
                            e -> {
                              log.warn("Expiring pending orders failed: {}", e.toString());
                              return Mono.empty();
                            }))
            .subscribe();
  }

  @jakarta.annotation.PreDestroy
  void stop() {
    Disposable d = running;
    if (d != null) {
      d.dispose();
    }
  }
}
