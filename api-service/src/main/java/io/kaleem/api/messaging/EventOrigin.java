package io.kaleem.api.messaging;

import io.kaleem.api.observability.RequestContext;
import org.springframework.web.filter.reactive.ServerWebExchangeContextFilter;
import reactor.core.publisher.Mono;

/**
 * The request an event comes from. Read from the Reactor context while the request's pipeline is
 * still attached: work detached from the caller (order placing) captures it first, because a
 * detached subscription no longer sees the request's context.
 *
 * @param requestId the request's id, or null for work that serves no request
 */
public record EventOrigin(String requestId) {

  public static final EventOrigin NONE = new EventOrigin(null);

  /** The origin of the current request, or {@link #NONE}. */
  public static Mono<EventOrigin> current() {
    return Mono.deferContextual(
        ctx ->
            Mono.just(
                ServerWebExchangeContextFilter.getExchange(ctx)
                    .map(e -> new EventOrigin(e.getAttribute(RequestContext.REQUEST_ID)))
                    .orElse(NONE)));
  }
}
