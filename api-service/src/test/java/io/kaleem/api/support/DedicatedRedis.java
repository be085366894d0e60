package io.kaleem.api.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.lettuce.core.RedisClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A {@code redis-server} of a test's own, on a spare loopback port, that the test may stop and
 * start again (same port) to play a Redis outage. Never the shared Redis on 6379.
 */
public final class DedicatedRedis implements AutoCloseable {

  public final int port;
  private final Path dir;

  public DedicatedRedis() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      this.port = s.getLocalPort();
    }
    this.dir = Files.createTempDirectory("kaleem-redis");
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public void start() throws Exception {
    Process p =
        new ProcessBuilder(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--dir",
                dir.toString(),
                "--pidfile",
                dir.resolve("redis.pid").toString(),
                "--logfile",
                dir.resolve("redis.log").toString())
            .inheritIO()
            .start();
    assertThat(p.waitFor()).as("redis-server started (is it installed?)").isZero();
    await("redis-server on " + port + " answers", Duration.ofSeconds(20), true);
  }

  public boolean answers() {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return s.isConnected();
    } catch (IOException e) {
      return false;
    }
  }

  public boolean exists(String key) {
    RedisClient c = RedisClient.create(url());
    try (var conn = c.connect()) {
      return conn.sync().exists(key) == 1;
    } finally {
      c.shutdown();
    }
  }

  public List<String> keys(String pattern) {
    RedisClient c = RedisClient.create(url());
    try (var conn = c.connect()) {
      return conn.sync().keys(pattern);
    } finally {
      c.shutdown();
    }
  }

  /** Stops the server (SHUTDOWN NOSAVE) and waits until the port is closed. */
  public void stop() throws Exception {
    new ProcessBuilder("redis-cli", "-p", Integer.toString(port), "shutdown", "nosave")
        .inheritIO()
        .start()
        .waitFor();
    await("redis-server on " + port + " is gone", Duration.ofSeconds(20), false);
  }

  private void await(String what, Duration limit, boolean up) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (answers() != up) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }

  @Override
  public void close() throws IOException {
    if (answers()) {
      new ProcessBuilder("redis-cli", "-p", Integer.toString(port), "shutdown", "nosave")
          .inheritIO()
          .start();
    }
  }
}
