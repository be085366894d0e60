package io.kaleem.api.cache;

import io.kaleem.api.redis.RedisEndpoint;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * This instance's subscription to the tenant's invalidation channel, on the API's one Lettuce
 * client. Messages are handed to {@code onMessage}. Whenever the subscription is (re)established
 * (first connect, Lettuce's automatic reconnect and re-subscribe after a Redis restart or a cut
 * connection) {@code onResubscribed} runs: messages sent while this instance was not listening are
 * lost, so it must forget what it may have missed. Losing the connection runs it too, so L1 does
 * not keep serving what it can no longer hear about for longer than it must.
 */
final class InvalidationChannel implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(InvalidationChannel.class);

  private final RedisClient client;
  private final RedisURI uri;
  private final String channel;
  private final String clientName;
  private final Consumer<String> onMessage;
  private final Runnable onResubscribed;
  private final AtomicBoolean subscribed = new AtomicBoolean(false);
  private final AtomicLong subscriptions = new AtomicLong();
  private final RedisConnectionStateListener stateListener;
  private volatile StatefulRedisPubSubConnection<String, String> connection;
  private volatile Disposable connector;

  InvalidationChannel(
      LettuceConnectionFactory factory,
      String channel,
      String clientName,
      Consumer<String> onMessage,
      Runnable onResubscribed) {
    this.client = (RedisClient) factory.getRequiredNativeClient();
    this.uri = RedisEndpoint.uriOf(factory);
    uri.setClientName(clientName);
    this.clientName = clientName;
    uri.setTimeout(Duration.ofSeconds(1));
    this.channel = channel;
    this.onMessage = onMessage;
    this.onResubscribed = onResubscribed;
    this.stateListener =
        new RedisConnectionStateListener() {
          @Override
          public void onRedisDisconnected(RedisChannelHandler<?, ?> c) {
            if (c == connection && subscribed.compareAndSet(true, false)) {
              log.warn("Cache invalidation channel lost; L1 cleared, resubscribing");
              onResubscribed.run();
            }
          }

          @Override
          public void onRedisConnected(RedisChannelHandler<?, ?> c, SocketAddress address) {}
        };
    client.addListener(stateListener);
    // The first subscription is retried until Redis answers; later ones are Lettuce's.
    this.connector =
        Flux.interval(Duration.ZERO, Duration.ofSeconds(2), Schedulers.boundedElastic())
            .filter(tick -> connection == null)
            .concatMap(tick -> reactor.core.publisher.Mono.fromRunnable(this::connect))
            .subscribe();
  }

  private synchronized void connect() {
    if (connection != null) {
      return;
    }
    try {
      StatefulRedisPubSubConnection<String, String> c = client.connectPubSub(StringCodec.UTF8, uri);
      c.addListener(
          new RedisPubSubAdapter<>() {
            @Override
            public void message(String ch, String message) {
              onMessage.accept(message);
            }

            @Override
            public void subscribed(String ch, long count) {
              subscriptions.incrementAndGet();
              subscribed.set(true);
              onResubscribed.run();
            }
          });
      connection = c;
      c.sync().subscribe(channel);
      Disposable retries = connector;
      if (retries != null) {
        retries.dispose();
      }
    } catch (RuntimeException e) {
      log.debug("Cache invalidation channel not available yet: {}", e.toString());
    }
  }

  /** The subscription connection's name in Redis ({@code CLIENT LIST}). */
  String clientName() {
    return clientName;
  }

  boolean isSubscribed() {
    return subscribed.get();
  }

  /** How many times the subscription was established, the first time included. */
  long subscriptions() {
    return subscriptions.get();
  }

  @Override
  public void close() {
    Disposable retries = connector;
    if (retries != null) {
      retries.dispose();
    }
    client.removeListener(stateListener);
    StatefulRedisPubSubConnection<String, String> c = connection;
    if (c != null) {
      c.closeAsync();
    }
  }
}
