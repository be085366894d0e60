package io.kaleem.api.messaging;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.model.SystemConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Where the broker is. {@code AMQP_URL} ({@code kaleem.messaging.broker-url}) or Spring's own
 * {@code spring.rabbitmq.addresses} ({@code SPRING_RABBITMQ_ADDRESSES}, which the operator renders
 * from the tenant's Secret) names a RabbitMQ; without either and unless disabled, the API starts an
 * in-process AMQP 0-9-1 broker (Apache Qpid Broker-J) on a free loopback port, so {@code make run}
 * takes the same binder, outbox and WebSocket fan-out path as production. Both become the {@link
 * RabbitConnectionDetails} Boot's connection factory (and so the binder) uses.
 */
@Configuration(proxyBeanMethods = false)
class BrokerConnectionConfiguration {

  private static final Logger log = LoggerFactory.getLogger(BrokerConnectionConfiguration.class);

  static final String URL = "kaleem.messaging.broker-url";
  static final String EMBEDDED = "kaleem.messaging.embedded-broker.enabled";

  @Bean
  @Conditional(BrokerUrlGiven.class)
  RabbitConnectionDetails brokerFromUrl(MessagingProperties props) {
    return fromUrl(props.brokerUrl());
  }

  @Bean(destroyMethod = "close")
  @Conditional(EmbeddedBrokerWanted.class)
  EmbeddedBroker embeddedBroker() {
    return EmbeddedBroker.start();
  }

  @Bean
  @Conditional(EmbeddedBrokerWanted.class)
  RabbitConnectionDetails embeddedBrokerConnection(EmbeddedBroker broker) {
    return broker.connectionDetails();
  }

  /** {@code amqp://user:password@host:port/vhost}; an absent vhost is RabbitMQ's {@code /}. */
  static RabbitConnectionDetails fromUrl(String url) {
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(URL + " is not a URI: " + e.getMessage(), e);
    }
    if (!"amqp".equals(uri.getScheme()) && !"amqps".equals(uri.getScheme())) {
      throw new IllegalArgumentException(URL + " must be an amqp:// or amqps:// URL");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException(URL + " names no host");
    }
    String[] userInfo =
        uri.getRawUserInfo() == null
            ? new String[] {"guest", "guest"}
            : uri.getRawUserInfo().split(":", 2);
    String user = decode(userInfo[0]);
    String password = userInfo.length > 1 ? decode(userInfo[1]) : "";
    int port = uri.getPort() > 0 ? uri.getPort() : ("amqps".equals(uri.getScheme()) ? 5671 : 5672);
    String path = uri.getRawPath();
    String vhost = path == null || path.length() <= 1 ? "/" : decode(path.substring(1));
    RabbitConnectionDetails.Address address =
        new RabbitConnectionDetails.Address(uri.getHost(), port);
    return new RabbitConnectionDetails() {
      @Override
      public String getUsername() {
        return user;
      }

      @Override
      public String getPassword() {
        return password;
      }

      @Override
      public String getVirtualHost() {
        return vhost;
      }

      @Override
      public List<Address> getAddresses() {
        return List.of(address);
      }
    };
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  static final class BrokerUrlGiven implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      String url = context.getEnvironment().getProperty(URL, "");
      return !url.isBlank();
    }
  }

  static final class EmbeddedBrokerWanted implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      return wanted(context.getEnvironment());
    }

    /** No broker named anywhere, and the embedded one not switched off. */
    static boolean wanted(org.springframework.core.env.Environment env) {
      // Spring's own broker settings (the operator renders SPRING_RABBITMQ_ADDRESSES from the
      // tenant's Secret) also name an external broker: then Boot's connection details apply.
      boolean external =
          !env.getProperty(URL, "").isBlank()
              || !env.getProperty("spring.rabbitmq.addresses", "").isBlank()
              || env.containsProperty("spring.rabbitmq.host");
      return !external && env.getProperty(EMBEDDED, Boolean.class, true);
    }
  }

  /**
   * The in-process broker: Qpid Broker-J with an in-memory store, AMQP 0-9-1 only, bound to
   * loopback with a per-start password. Qpid reports a failed start in its log instead of throwing,
   * so start-up checks the port answers and fails loudly otherwise.
   */
  static final class EmbeddedBroker implements AutoCloseable {
    private final SystemLauncher launcher;
    private final int port;
    private final String password;

    private EmbeddedBroker(SystemLauncher launcher, int port, String password) {
      this.launcher = launcher;
      this.port = port;
      this.password = password;
    }

    static EmbeddedBroker start() {
      int port = freePort();
      String password = java.util.UUID.randomUUID().toString();
      URL config = EmbeddedBroker.class.getResource("/embedded-broker/qpid-config.json");
      if (config == null) {
        throw new IllegalStateException("embedded-broker/qpid-config.json missing from the jar");
      }
      // Qpid reads its two start-up files by URL, and without a location its system properties
      // default to a classpath: URL whose handler the JDK finds only through the system class
      // loader, which cannot see the libraries nested in the packaged jar: both are given as plain
      // files in the broker's work directory, so the jar starts the broker as the tests do.
      Path work = Path.of(System.getProperty("java.io.tmpdir"), "kaleem-qpid-" + port);
      Path initialConfig = work.resolve("qpid-config.json");
      Path systemProperties = work.resolve("system.properties");
      try (InputStream in = config.openStream()) {
        Files.createDirectories(work);
        Files.copy(in, initialConfig, StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(systemProperties, "");
      } catch (IOException e) {
        throw new IllegalStateException("cannot prepare the embedded broker in " + work, e);
      }
      Map<String, Object> attributes = new HashMap<>();
      attributes.put(SystemConfig.TYPE, "Memory");
      attributes.put(SystemConfig.INITIAL_CONFIGURATION_LOCATION, initialConfig.toUri().toString());
      attributes.put(SystemConfig.INITIAL_SYSTEM_PROPERTIES_LOCATION, systemProperties.toString());
      attributes.put(SystemConfig.STARTUP_LOGGED_TO_SYSTEM_OUT, false);
      attributes.put(
          SystemConfig.CONTEXT,
          Map.of(
              "qpid.amqp_port", port,
              "kaleem.broker.password", password,
              "qpid.work_dir", work.toString()));
      SystemLauncher launcher = new SystemLauncher();
      try {
        launcher.startup(attributes);
      } catch (Exception e) {
        throw new IllegalStateException("embedded AMQP broker did not start: " + e, e);
      }
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      } catch (IOException e) {
        launcher.shutdown();
        throw new IllegalStateException(
            "embedded AMQP broker did not open port " + port + " (see its log above)", e);
      }
      log.info("Embedded AMQP 0-9-1 broker (Qpid Broker-J) on 127.0.0.1:{}", port);
      return new EmbeddedBroker(launcher, port, password);
    }

    RabbitConnectionDetails connectionDetails() {
      RabbitConnectionDetails.Address address =
          new RabbitConnectionDetails.Address("127.0.0.1", port);
      return new RabbitConnectionDetails() {
        @Override
        public String getUsername() {
          return "kaleem";
        }

        @Override
        public String getPassword() {
          return password;
        }

        @Override
        public String getVirtualHost() {
          return "default";
        }

        @Override
        public List<Address> getAddresses() {
          return List.of(address);
        }
      };
    }

    int port() {
      return port;
    }

    @Override
    public void close() {
      launcher.shutdown();
    }

    private static int freePort() {
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
