package io.kaleem.api.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API image as Jib builds it (the image-check profile builds the `make images` configuration
 * FROM scratch to a tar, since this machine cannot pull the JRE base): the config Jib recorded and
 * the files its layers hold, the Dockerfile that must build the same image, and the entrypoint
 * script run from the image's own files with a real JVM and the real agent.
 */
class ImageConfigIT {

  /** The uid the operator's pod security context runs the API as (WorkloadResources.RUN_AS). */
  private static final String USER = "10001:10001";

  private static final List<String> OCI_LABELS =
      List.of("title", "description", "version", "revision", "source", "created", "vendor");

  @TempDir static Path work;
  static JibImage image;

  @BeforeAll
  static void unpack() throws Exception {
    image = JibImage.unpack(work);
  }

  @Test
  void runsAsTheNonRootUserThePodSecurityContextExpects() {
    assertThat(image.config().get("User").asString()).isEqualTo(USER);
    assertThat(Integer.parseInt(USER.split(":")[0])).isPositive();
    assertThat(image.config().get("WorkingDir").asString()).isEqualTo("/app");
  }

  @Test
  void exposesTheHttpAndMetricsPortsAndStartsThroughTheEntrypointScript() {
    assertThat(image.exposedPorts()).containsExactlyInAnyOrder("8080/tcp", "9464/tcp");
    assertThat(image.entrypoint()).containsExactly("/app/entrypoint.sh");
  }

  /**
   * The files are root's and the process is not, so what it needs must be open to "others":
   * readable files, traversable directories, and nothing it could rewrite.
   */
  @Test
  void theNonRootUserCanReadEverythingUnderAppAndWriteNothing() throws IOException {
    try (Stream<Path> all = Files.walk(image.root().resolve("app"))) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
        assertThat(perms).as(p.toString()).contains(PosixFilePermission.OTHERS_READ);
        assertThat(perms)
            .as(p.toString())
            .doesNotContain(PosixFilePermission.OTHERS_WRITE, PosixFilePermission.GROUP_WRITE);
        if (Files.isDirectory(p)) {
          assertThat(perms).as(p.toString()).contains(PosixFilePermission.OTHERS_EXECUTE);
        }
      }
    }
  }

  @Test
  void carriesTheOciLabelsAndAPinnedJreBase() {
    for (String label : OCI_LABELS) {
      assertThat(image.label("org.opencontainers.image." + label)).as(label).isNotBlank();
    }
    String base = System.getProperty("image.from");
    assertThat(image.label("org.opencontainers.image.base.name")).isEqualTo(base);
    // A full release tag (or a digest), so a rebuild of the same commit gets the same JRE; a JRE,
    // not a JDK, since the image only runs Java.
    assertThat(base).matches("eclipse-temurin:(\\d+\\.\\d+\\.\\d+_\\d+-jre\\S*|\\S*@sha256:\\S+)");
  }

  @Test
  void shipsTheExtractedAppTheAgentAndContainerAwareJvmFlags() throws IOException {
    Path app = image.root().resolve("app");
    try (JarFile agent = new JarFile(app.resolve("opentelemetry-javaagent.jar").toFile())) {
      assertThat(agent.getManifest().getMainAttributes().getValue("Premain-Class"))
          .as("the OpenTelemetry jar is a Java agent")
          .isNotBlank();
    }
    try (JarFile jar = new JarFile(app.resolve("app.jar").toFile())) {
      var attributes = jar.getManifest().getMainAttributes();
      assertThat(attributes.getValue("Main-Class")).isEqualTo("io.kaleem.api.KaleemApiApplication");
      // The extracted layout: every library the app needs is in the image's lib/.
      for (String entry : attributes.getValue("Class-Path").split(" ")) {
        assertThat(app.resolve(entry)).as("Class-Path entry in the image").exists();
      }
    }
    assertThat(Files.getPosixFilePermissions(app.resolve("entrypoint.sh")))
        .contains(PosixFilePermission.OTHERS_EXECUTE);
    List<String> flags = Files.readAllLines(app.resolve("jvm.options"));
    // The heap follows the container's memory limit; a fixed -Xmx would ignore it.
    assertThat(flags)
        .contains("-XX:MaxRAMPercentage=75.0", "-XX:+ExitOnOutOfMemoryError")
        .noneMatch(f -> f.startsWith("-Xmx") || f.startsWith("-Xms"));
  }

  @Test
  void theDockerfileBuildsTheSameImage() throws IOException {
    DockerfileStage docker = DockerfileStage.parseFinalStage(Path.of("Dockerfile"));
    assertThat(Files.readAllLines(Path.of("Dockerfile")))
        .as("the Dockerfile's default base is the POM's kaleem.image.from")
        .contains("ARG JRE_IMAGE=" + System.getProperty("image.from"));
    assertThat(docker.user()).isEqualTo(image.config().get("User").asString());
    assertThat(docker.workdir()).isEqualTo(image.config().get("WorkingDir").asString());
    assertThat(docker.entrypoint()).isEqualTo(image.entrypoint());
    assertThat(docker.exposedPorts()).containsExactlyInAnyOrderElementsOf(image.exposedPorts());
    List<String> jibEnv = new ArrayList<>();
    docker.env().forEach((k, v) -> jibEnv.add(k + "=" + v));
    assertThat(jibEnv).containsExactlyInAnyOrderElementsOf(image.env());
    Set<String> jibFiles = new HashSet<>();
    try (Stream<Path> files = Files.list(image.root().resolve("app"))) {
      files.forEach(f -> jibFiles.add("/app/" + f.getFileName()));
    }
    assertThat(new HashSet<>(docker.copiedTo())).isEqualTo(jibFiles);
    assertThat(docker.healthcheck())
        .as("the Dockerfile's HEALTHCHECK asks the liveness endpoint on the exposed port")
        .contains("http://127.0.0.1:8080/api/health/liveness");
  }

  @Test
  void withoutAnOtlpEndpointTheAppStartsWithoutTheAgent() throws Exception {
    String log = runEntrypoint(Map.of());
    assertThat(log).contains("KaleemApiApplication").doesNotContain("opentelemetry-javaagent");
  }

  @Test
  void withAnOtlpEndpointTheAppStartsWithTheAgent() throws Exception {
    // Nothing listens on port 9: the agent starts and its exports fail quietly.
    String log = runEntrypoint(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9"));
    assertThat(log).contains("opentelemetry-javaagent - version:", "KaleemApiApplication");
  }

  /**
   * Runs the image's entrypoint.sh on the image's own files (APP_HOME points at the unpacked /app),
   * as the container would, until the application context is up; then the app exits by itself.
   */
  private static String runEntrypoint(Map<String, String> env) throws Exception {
    Path app = image.root().resolve("app");
    Path log = Files.createTempFile(work, "entrypoint", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(
                app.resolve("entrypoint.sh").toString(),
                "--server.port=0",
                "--kaleem.mongo.embedded.data-file=",
                "--kaleem.mongo.embedded.demo-data=false",
                "--kaleem.security.demo-users.enabled=false",
                "--kaleem.security.jwt.dev-key-file=",
                "--logging.level.io.kaleem=INFO")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().remove("OTEL_EXPORTER_OTLP_ENDPOINT");
    pb.environment().put("APP_HOME", app.toString());
    // JAVA_OPTS reaches the JVM after jvm.options; the system property ends the app once its
    // context is refreshed (Spring's checkpoint-less "exit on refresh").
    pb.environment().put("JAVA_OPTS", "-Xms64m -Xmx384m -Dspring.context.exit=onRefresh");
    pb.environment().put("OTEL_METRICS_EXPORTER", "none");
    pb.environment().put("OTEL_LOGS_EXPORTER", "none");
    pb.environment().putAll(env);
    Process p = pb.start();
    boolean exited = p.waitFor(4, TimeUnit.MINUTES);
    if (!exited) {
      p.destroyForcibly();
    }
    String out = Files.readString(log);
    assertThat(exited).as("the app exits after its context refresh; log:%n%s", out).isTrue();
    assertThat(p.exitValue()).as("exit status; log:%n%s", out).isZero();
    return out;
  }
}
