package io.kaleem.api.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.testsupport.image.DockerfileStage;
import io.kaleem.testsupport.image.ImageChecks;
import io.kaleem.testsupport.image.JibImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
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

  @TempDir static Path work;
  static JibImage image;

  @BeforeAll
  static void unpack() throws Exception {
    image = JibImage.unpack(work);
  }

  @Test
  void runsAsTheNonRootUserThePodSecurityContextExpects() {
    assertThat(image.user()).isEqualTo(USER);
    assertThat(Integer.parseInt(USER.split(":")[0])).isPositive();
    assertThat(image.workingDir()).isEqualTo("/app");
  }

  @Test
  void exposesTheHttpAndMetricsPortsAndStartsThroughTheEntrypointScript() {
    assertThat(image.exposedPorts()).containsExactlyInAnyOrder("8080/tcp", "9464/tcp");
    assertThat(image.entrypoint()).containsExactly("/app/entrypoint.sh");
  }

  @Test
  void theNonRootUserCanReadEverythingUnderAppAndWriteNothing() throws IOException {
    ImageChecks.nonRootUserCanReadEverythingAndWriteNothing(image.app());
  }

  @Test
  void carriesTheOciLabelsAndAPinnedJreBase() {
    ImageChecks.carriesOciLabelsAndAPinnedJreBase(image);
  }

  @Test
  void shipsTheExtractedAppTheAgentAndContainerAwareJvmFlags() throws IOException {
    Path app = image.app();
    try (JarFile agent = new JarFile(app.resolve("opentelemetry-javaagent.jar").toFile())) {
      assertThat(agent.getManifest().getMainAttributes().getValue("Premain-Class"))
          .as("the OpenTelemetry jar is a Java agent")
          .isNotBlank();
    }
    ImageChecks.jarRunsFromItsLibFolder(app, "app.jar", "io.kaleem.api.KaleemApiApplication");
    assertThat(Files.getPosixFilePermissions(app.resolve("entrypoint.sh")))
        .contains(PosixFilePermission.OTHERS_EXECUTE);
    // The agent, when loaded, reads the trimmed instrumentation list shipped beside it.
    assertThat(image.env())
        .contains("OTEL_JAVAAGENT_CONFIGURATION_FILE=/app/otel-agent.properties");
    assertThat(Files.readAllLines(app.resolve("otel-agent.properties")))
        .contains("otel.instrumentation.common.default-enabled=false");
  }

  @Test
  void theDockerfileBuildsTheSameImage() throws IOException {
    DockerfileStage docker = ImageChecks.dockerfileBuildsTheSameImage(Path.of("Dockerfile"), image);
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
