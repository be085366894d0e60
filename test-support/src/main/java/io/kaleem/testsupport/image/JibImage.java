package io.kaleem.testsupport.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The image Jib wrote to a tar (Docker archive format: manifest.json, the config JSON and one
 * gzipped tar per layer), unpacked with the system's {@code tar}: the config as Jib recorded it and
 * the file system the layers make, as a container would see it.
 */
public record JibImage(JsonNode config, Path root) {

  /** Unpacks the archive named by the {@code image.tar} system property (set by the POM). */
  public static JibImage unpack(Path workDir) throws IOException, InterruptedException {
    String tar = System.getProperty("image.tar");
    assertThat(tar).as("system property image.tar (set by the image-check profile)").isNotNull();
    Path archive = Path.of(tar);
    assertThat(archive)
        .as("the Jib image tar; `mvn package` without -DskipTests builds it (image-check profile)")
        .exists();
    Path unpacked = workDir.resolve("archive");
    Path root = workDir.resolve("rootfs");
    Files.createDirectories(unpacked);
    Files.createDirectories(root);
    run("tar", "-xf", archive.toString(), "-C", unpacked.toString());
    JsonMapper json = JsonMapper.builder().build();
    JsonNode manifest = json.readTree(unpacked.resolve("manifest.json").toFile()).get(0);
    JsonNode config =
        json.readTree(unpacked.resolve(manifest.get("Config").asText()).toFile()).get("config");
    for (JsonNode layer : manifest.get("Layers")) {
      run("tar", "-xzf", unpacked.resolve(layer.asText()).toString(), "-C", root.toString());
    }
    return new JibImage(config, root);
  }

  /** The image's {@code /app}, where both images keep everything they ship. */
  public Path app() {
    return root.resolve("app");
  }

  public String user() {
    return text("User");
  }

  public String workingDir() {
    return text("WorkingDir");
  }

  public List<String> entrypoint() {
    return strings(config.get("Entrypoint"));
  }

  public List<String> exposedPorts() {
    List<String> out = new ArrayList<>();
    JsonNode ports = config.get("ExposedPorts");
    if (ports != null) {
      ports.fieldNames().forEachRemaining(out::add);
    }
    return out;
  }

  /** The image's environment as {@code NAME=value} lines; empty when it sets none. */
  public List<String> env() {
    return strings(config.get("Env"));
  }

  public String label(String name) {
    JsonNode labels = config.get("Labels");
    JsonNode v = labels == null ? null : labels.get(name);
    return v == null ? null : v.asText();
  }

  private String text(String field) {
    JsonNode v = config.get(field);
    return v == null ? null : v.asText();
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array != null) {
      array.forEach(n -> out.add(n.asText()));
    }
    return out;
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
  }
}
