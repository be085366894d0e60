package io.kaleem.api.web;

import org.reactivestreams.Publisher;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Serves Swagger UI's page and assets from {@code boundedElastic}, never from an event loop. They
 * are class-path resources inside the swagger-ui webjar: Spring's resource handler checks each one
 * is readable (opening the jar entry), springdoc reads {@code index.html} through an {@code
 * InputStream} to fill in the configuration, and the body of an asset is read from the jar as the
 * client takes it. Each of these is blocking file I/O.
 *
 * <p>Innermost filter ({@link Ordered#LOWEST_PRECEDENCE}; the other filters of this application are
 * ordered before it): the rate limiter and security run before it on whatever thread they end on,
 * and only the handler's work is subscribed on {@code boundedElastic}. The response body is
 * subscribed there too, and {@code subscribeOn} sends every later request for more of it (from
 * Netty, on the event loop, as the socket drains) to that worker, so each read of the jar happens
 * off the event loop. Other routes are untouched.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
class SwaggerUiOffEventLoop implements WebFilter {

  private final String assets;

  SwaggerUiOffEventLoop(@Value("${springdoc.webjars.prefix:/webjars}") String webjars) {
    this.assets = webjars + "/swagger-ui/";
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    if (!exchange.getRequest().getPath().pathWithinApplication().value().startsWith(assets)) {
      return chain.filter(exchange);
    }
    ServerWebExchange offLoop =
        exchange.mutate().response(new BodyReadOffEventLoop(exchange.getResponse())).build();
    return Mono.defer(() -> chain.filter(offLoop)).subscribeOn(Schedulers.boundedElastic());
  }

  /** A response whose body publisher is subscribed, and asked for more, on boundedElastic. */
  private static final class BodyReadOffEventLoop extends ServerHttpResponseDecorator {

    BodyReadOffEventLoop(ServerHttpResponse delegate) {
      super(delegate);
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
      return super.writeWith(Flux.from(body).subscribeOn(Schedulers.boundedElastic()));
    }

    @Override
    public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
      return super.writeAndFlushWith(
          Flux.from(body)
              .map(part -> Flux.from(part).subscribeOn(Schedulers.boundedElastic()))
              .subscribeOn(Schedulers.boundedElastic()));
    }
  }
}
