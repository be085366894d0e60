package io.kaleem.api.support;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

/**
 * The real RabbitMQ the messaging tests use, and a test consumer: a server-named exclusive queue
 * bound to a test application's exchange that records every message body in arrival order.
 */
public final class MessagingTestSupport {

  public static final String HOST = "127.0.0.1";
  public static final int PORT = 5672;
  public static final String BROKER_URL = "amqp://guest:guest@127.0.0.1:5672/";

  private MessagingTestSupport() {}

  /** Fails with how to start RabbitMQ when it is not listening. */
  public static void requireBroker() {
    try (Socket s = new Socket(HOST, PORT)) {
      s.getPort();
    } catch (IOException e) {
      throw new AssertionError(
          "RabbitMQ is not listening on 127.0.0.1:5672; start it with `make services-up`", e);
    }
  }

  /** A consumer of every event on {@code exchange} (binding key {@code pattern}). */
  public static final class Recorder implements AutoCloseable {
    public final List<String> bodies = new CopyOnWriteArrayList<>();
    private final Connection connection;

    public Recorder(String exchange, String pattern) throws IOException, TimeoutException {
      ConnectionFactory f = new ConnectionFactory();
      f.setHost(HOST);
      f.setPort(PORT);
      this.connection = f.newConnection("kaleem-test-recorder");
      Channel ch = connection.createChannel();
      ch.exchangeDeclare(exchange, "topic", true);
      String q = ch.queueDeclare().getQueue();
      ch.queueBind(q, exchange, pattern);
      DeliverCallback cb = (tag, d) -> bodies.add(new String(d.getBody(), StandardCharsets.UTF_8));
      ch.basicConsume(q, true, cb, tag -> {});
    }

    /** Publishes a raw message to {@code exchange} with {@code routingKey}. */
    public void publish(String exchange, String routingKey, String body) throws IOException {
      try (Channel ch = connection.createChannel()) {
        ch.basicPublish(exchange, routingKey, null, body.getBytes(StandardCharsets.UTF_8));
      } catch (TimeoutException e) {
        throw new IOException(e);
      }
    }

    @Override
    public void close() throws IOException {
      connection.close();
    }
  }
}
