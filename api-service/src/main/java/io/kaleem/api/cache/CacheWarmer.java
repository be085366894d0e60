package io.kaleem.api.cache;

import io.kaleem.api.errors.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Warms the cache on {@code kaleem.cache.warming.schedule} (and once at start-up). Each tick, every
 * replica asks Redis for the tick's lease ({@code SET NX PX}, expiring before the next tick); the
 * one that gets it runs, the others record a skip, so the fleet warms once per tick. Without Redis
 * each instance warms its own L1. A run keeps at most {@code concurrency} loads in flight and is
 * cut at {@code max-duration}, so it never starves live traffic of connections.
 */
@Component
public class CacheWarmer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CacheWarmer.class);
  private static final int HISTORY = 50;

  private final TwoLevelCache cache;
  private final List<CacheWarmup> warmups;
  private final CacheMetrics metrics;
  private final CacheProperties.Warming cfg;
  private final CronExpression cron;
  private final String instance = UUID.randomUUID().toString();
  private final Disposable.Swap next = Disposables.swap();
  private final Deque<WarmingRun> history = new ArrayDeque<>();
  private volatile boolean closed;

  public CacheWarmer(TwoLevelCache cache, List<CacheWarmup> warmups, CacheMetrics metrics) {
    this.cache = cache;
    this.warmups = warmups;
    this.metrics = metrics;
    this.cfg = cache.properties().warming();
    this.cron = CronExpression.parse(cfg.schedule());
  }

  @EventListener(ApplicationReadyEvent.class)
  void start() {
    if (!cache.properties().enabled()) {
      return;
    }
    if (cfg.atStartup()) {
      tick(null, "startup").subscribe();
    }
    scheduleNext();
  }

  private void scheduleNext() {
    if (closed) {
      return;
    }
    ZonedDateTime now = ZonedDateTime.now(ZoneId.systemDefault());
    ZonedDateTime at = cron.next(now);
    if (at == null) {
      return;
    }
    Duration wait = Duration.between(now, at);
    next.update(
        Mono.delay(wait)
            .then(Mono.defer(() -> tick(at.toInstant(), "scheduled")))
            .doFinally(s -> scheduleNext())
            .subscribe());
  }

  /** One tick: take the tick's lease, then run; a held lease means another replica runs. */
  Mono<WarmingRun> tick(Instant tick, String trigger) {
    Instant now = Instant.now();
    ZonedDateTime following = cron.next(ZonedDateTime.now(ZoneId.systemDefault()));
    Duration untilNext =
        following == null
            ? cfg.maxDuration()
            : Duration.between(now, following.toInstant()).multipliedBy(8).dividedBy(10);
    Duration leaseTtl =
        untilNext.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : untilNext;
    return cache
        .l2()
        .lease(cache.keys().warmingLease(tick), instance, leaseTtl)
        .map(held -> held ? Lease.HELD : Lease.TAKEN)
        // No answer: when Redis is away (no subscription) every instance warms its own L1; when
        // it merely answered late the SET may have landed, so this instance leaves the tick.
        .onErrorResume(e -> Mono.just(cache.redisAway() ? Lease.LOCAL : Lease.TAKEN))
        .flatMap(
            lease ->
                lease == Lease.TAKEN
                    ? Mono.just(
                        record(new WarmingRun(tick, trigger, "skipped", 0, 0, 0, true, instance)))
                    : run(tick, trigger, lease == Lease.HELD))
        .onErrorResume(
            e -> {
              log.warn("Cache warming failed: {}", e.toString());
              return Mono.just(
                  record(new WarmingRun(tick, trigger, "failed", 0, 0, 0, false, instance)));
            });
  }

  private enum Lease {
    HELD,
    TAKEN,
    LOCAL
  }

  /**
   * A run an administrator asked for, whatever the schedule did this tick: a lease for the run's
   * bound keeps two such runs from overlapping in the fleet (a 409), and is given back when done.
   */
  public Mono<WarmingRun> runNow() {
    String owner = instance + ":" + UUID.randomUUID();
    return cache
        .l2()
        .lease(cache.keys().warmingRequested(), owner, cfg.maxDuration().plusSeconds(1))
        .onErrorReturn(true)
        .flatMap(
            held -> {
              if (!held) {
                return Mono.error(
                    ApiException.conflict(
                        "A warming run holds the lease now; retry when it ends (at most "
                            + cfg.maxDuration().toSeconds()
                            + " s)"));
              }
              return run(null, "requested", true)
                  .flatMap(
                      r ->
                          cache
                              .l2()
                              .release(cache.keys().warmingRequested(), owner)
                              .onErrorReturn(false)
                              .thenReturn(r));
            });
  }

  private Mono<WarmingRun> run(Instant tick, String trigger, boolean shared) {
    long start = System.nanoTime();
    AtomicLong keys = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    CacheWarmup.Scope scope = new CacheWarmup.Scope(cfg.maxMerchants(), cfg.hotProducts());
    Flux<Mono<?>> loads =
        Flux.fromIterable(warmups)
            .filter(w -> cfg.targets().contains(w.target()))
            .concatMap(
                w ->
                    w.loads(scope)
                        .onErrorResume(
                            e -> {
                              // One target's listing failing costs that target, not the run.
                              errors.incrementAndGet();
                              keys.incrementAndGet();
                              log.warn("Cache warming of {} stopped: {}", w.target(), e.toString());
                              return Flux.empty();
                            }));
    return loads
        .flatMap(
            load ->
                load.doOnTerminate(keys::incrementAndGet)
                    .onErrorResume(
                        e -> {
                          errors.incrementAndGet();
                          return Mono.empty();
                        }),
            Math.max(1, cfg.concurrency()))
        .then(Mono.just("completed"))
        .timeout(cfg.maxDuration(), Mono.just("cut"))
        .onErrorReturn("failed")
        .map(
            result -> {
              Duration took = Duration.ofNanos(System.nanoTime() - start);
              long loaded = keys.get() - errors.get();
              metrics.warming(result, took, loaded);
              return record(
                  new WarmingRun(
                      tick,
                      trigger,
                      result,
                      loaded,
                      errors.get(),
                      took.toMillis(),
                      shared,
                      instance));
            });
  }

  private WarmingRun record(WarmingRun run) {
    if (run.result().equals("skipped")) {
      metrics.warming(run.result(), Duration.ZERO, 0);
    }
    synchronized (history) {
      history.addFirst(run);
      while (history.size() > HISTORY) {
        history.removeLast();
      }
    }
    log.info(
        "Cache warming {} ({}): {} keys in {} ms",
        run.result(),
        run.trigger(),
        run.keys(),
        run.durationMillis());
    return run;
  }

  /** This instance's recent runs and skips, newest first. */
  public List<WarmingRun> history() {
    synchronized (history) {
      return List.copyOf(history);
    }
  }

  @Override
  public void close() {
    closed = true;
    next.dispose();
  }
}
