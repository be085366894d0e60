package io.kaleem.api.plans;

import io.kaleem.api.security.SecurityProperties;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The request budget of each plan, from the plan documents' {@code limits.requestsPerMinute} scaled
 * to the rate-limit window: the one source of plan budgets (the per-plan table in configuration
 * remains only for callers without a plan: the default and the platform's budget). Looked up on
 * every request, so it is an in-memory map, replaced whole: after every plan change on this
 * replica, and every {@code kaleem.plans.budget-refresh} for changes made on other replicas.
 */
@Component
public class PlanBudgets {

  private static final Logger log = LoggerFactory.getLogger(PlanBudgets.class);

  /** A budget lookup that found no plan of that code. */
  public static final long UNKNOWN = -1;

  private final ReactiveMongoTemplate mongo;
  private final Duration window;
  private final Duration refresh;
  private volatile Map<String, Long> byCode = Map.of();
  private volatile Disposable refreshing;

  PlanBudgets(
      ReactiveMongoTemplate mongo,
      SecurityProperties props,
      @Value("${kaleem.plans.budget-refresh:30s}") Duration refresh) {
    this.mongo = mongo;
    this.window = props.rateLimit().window();
    this.refresh = refresh;
  }

  /** Requests per rate-limit window for the plan of this code, or {@link #UNKNOWN}. */
  public long perWindow(String planCode) {
    Long budget = planCode == null ? null : byCode.get(planCode);
    return budget == null ? UNKNOWN : budget;
  }

  /** Reads every plan's budget again (plans are few; newest first, through plans_created). */
  public Mono<Void> reload() {
    Query all = new Query().with(Sort.by(Sort.Direction.DESC, "createdAt", "_id"));
    return mongo
        .find(all, Plan.class)
        .filter(p -> p.code() != null && p.limits() != null)
        .collect(
            Collectors.toMap(Plan::code, p -> scaled(p.limits().requestsPerMinute()), (a, b) -> a))
        .doOnNext(m -> byCode = Map.copyOf(m))
        .then();
  }

  private long scaled(int perMinute) {
    return Math.max(1, (long) Math.ceil(perMinute * (window.toMillis() / 60_000.0)));
  }

  @EventListener(ApplicationReadyEvent.class)
  void start() {
    refreshing =
        Flux.interval(Duration.ZERO, refresh)
            .onBackpressureDrop()
            .concatMap(
                t ->
                    reload()
                        .onErrorResume(
                            e -> {
                              log.warn("Reading plan budgets failed: {}", e.toString());
                              return Mono.empty();
                            }))
            .subscribe();
  }

  @jakarta.annotation.PreDestroy
  void stop() {
    Disposable d = refreshing;
    if (d != null) {
      d.dispose();
    }
  }
}
