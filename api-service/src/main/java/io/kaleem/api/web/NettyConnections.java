package io.kaleem.api.web;

import io.kaleem.api.observability.RequestIdFilter;
import io.kaleem.api.security.SecurityHeaders;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * Reactor Netty's connection limits ({@link ConnectionProperties}) and a {@link ConnectionGuard} on
 * every HTTP/1.1 connection, right after the HTTP codec.
 */
@Component
public class NettyConnections implements NettyServerCustomizer {

  private final ConnectionProperties limits;

  public NettyConnections(ConnectionProperties limits) {
    this.limits = limits;
  }

  @Override
  public HttpServer apply(HttpServer server) {
    long headerTimeoutNanos = limits.requestHeaderTimeout().toNanos();
    return server
        .idleTimeout(limits.idleTimeout())
        .readTimeout(limits.requestReadTimeout())
        .maxKeepAliveRequests(limits.maxKeepAliveRequests())
        .doOnChannelInit(
            (observer, channel, remote) -> {
              if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
                channel
                    .pipeline()
                    .addAfter(
                        NettyPipeline.HttpCodec,
                        "kaleem.connectionGuard",
                        new ConnectionGuard(headerTimeoutNanos));
              }
            });
  }

  /**
   * Two rules Reactor Netty does not have.
   *
   * <p>Request-header deadline: while the connection waits for a request (after it opens, and after
   * the last response when no other request is in progress), the request line and headers must be
   * decoded within the timeout, or the connection is closed. Netty's idle timeout only sees
   * silence, so a client that sends a header line every second would otherwise hold the connection
   * forever. Not armed again after a 101 (a WebSocket has its own timeouts).
   *
   * <p>Refusals Netty answers itself (a request line, URI or header block too long, a malformed
   * request: 400, 413, 414, 431), which never reach WebFlux, get the security headers and a request
   * id like every other answer, and {@code Connection: close}; the connection is closed once they
   * are written, because after a decoding failure the rest of the bytes cannot be trusted to start
   * a request. A response without {@code X-Request-Id} is such a refusal: {@link RequestIdFilter}
   * sets one on every response WebFlux writes.
   */
  static final class ConnectionGuard extends ChannelDuplexHandler {

    private final long headerTimeoutNanos;
    private ScheduledFuture<?> deadline;
    private int inProgress;
    private boolean upgraded;
    private boolean refusal;
    private int status;
    private Throwable heldFailure;

    ConnectionGuard(long headerTimeoutNanos) {
      this.headerTimeoutNanos = headerTimeoutNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      arm(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      disarm();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      disarm();
      super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      if (msg instanceof HttpRequest request) {
        disarm();
        if (request.decoderResult().isFailure()) {
          // Reactor Netty answered a decoding failure only sometimes on a kept-alive connection
          // (a bad method after a good request hung): answer it here, in order, once the pending
          // answers are written.
          heldFailure = request.decoderResult().cause();
          ReferenceCountUtil.release(msg);
          if (inProgress == 0) {
            answerHeldFailure(ctx);
          }
          return;
        }
        inProgress++;
      }
      super.channelRead(ctx, msg);
    }

    private void answerHeldFailure(ChannelHandlerContext ctx) {
      Throwable cause = heldFailure;
      heldFailure = null;
      HttpResponseStatus status =
          cause instanceof TooLongHttpLineException
              ? HttpResponseStatus.REQUEST_URI_TOO_LONG
              : cause instanceof TooLongHttpHeaderException
                  ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                  : HttpResponseStatus.BAD_REQUEST;
      DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
      response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
      refusalHeaders(response);
      // Written from this handler, so it does not pass through write() below: close here.
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private static void refusalHeaders(HttpResponse response) {
      SecurityHeaders.EACH.forEach(response.headers()::set);
      response.headers().set(HttpHeaderNames.CACHE_CONTROL, SecurityHeaders.NO_STORE);
      response.headers().set(RequestIdFilter.HEADER, RequestIdFilter.newId());
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
        throws Exception {
      if (msg instanceof HttpResponse response) {
        status = response.status().code();
      }
      if (msg instanceof HttpResponse response && response.status().code() >= 200) {
        refusal = !response.headers().contains(RequestIdFilter.HEADER);
        if (refusal) {
          refusalHeaders(response);
        }
      } else if (msg instanceof HttpResponse response
          && response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
        upgraded = true;
      }
      // The end of a final response (a 100 Continue ends too, but its request goes on).
      if (msg instanceof LastHttpContent && (status >= 200 || upgraded)) {
        if (refusal) {
          promise = promise.unvoid();
          promise.addListener(ChannelFutureListener.CLOSE);
        } else if (inProgress > 0 && --inProgress == 0 && !upgraded) {
          if (heldFailure != null) {
            super.write(ctx, msg, promise);
            answerHeldFailure(ctx);
            return;
          }
          arm(ctx);
        }
      }
      super.write(ctx, msg, promise);
    }

    private void arm(ChannelHandlerContext ctx) {
      disarm();
      if (headerTimeoutNanos > 0) {
        deadline =
            ctx.executor().schedule(() -> ctx.close(), headerTimeoutNanos, TimeUnit.NANOSECONDS);
      }
    }

    private void disarm() {
      if (deadline != null) {
        deadline.cancel(false);
        deadline = null;
      }
    }
  }
}
