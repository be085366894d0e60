package io.kaleem.api.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The image Jib wrote to a tar (Docker archive format: manifest.json, the config JSON and one
 * gzipped tar per layer), unpacked with the system's {@code tar}: the config as Jib recorded it and
 * the file system the layers make, as a container would see it.
 */
record JibImage(JsonNode config, Path root) {

  /** Unpacks the archive named by the {@code image.tar} system property (set by the POM). */
  static JibImage unpack(Path workDir) throws IOException, InterruptedException {
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
        json.readTree(unpacked.resolve(manifest.get("Config").asString()).toFile()).get("config");
    for (JsonNode layer : manifest.get("Layers")) {
      run("tar", "-xzf", unpacked.resolve(layer.asString()).toString(), "-C", root.toString());
    }
    return new JibImage(config, root);
  }

  List<String> entrypoint() {
    List<String> out = new ArrayList<>();
    config.get("Entrypoint").forEach(n -> out.add(n.asString()));
    return out;
  }

  List<String> exposedPorts() {
    List<String> out = new ArrayList<>();
    config.get("ExposedPorts").propertyNames().forEach(out::add);
    return out;
  }

  List<String> env() {
    List<String> out = new ArrayList<>();
    config.get("Env").forEach(n -> out.add(n.asString()));
    return out;
  }

  String label(String name) {
    JsonNode v = config.get("Labels").get(name);
    return v == null ? null : v.asString();
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
  }
}
