package io.kaleem.operator.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kaleem.operator.resources.WorkloadResources;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator image as Jib builds it (the image-check profile builds the `make images`
 * configuration FROM scratch to a tar, since this machine cannot pull the JRE base): the config Jib
 * recorded, the files its layers hold, the Dockerfile that must build the same image, and the
 * image's own entrypoint command run on its own files against a Kubernetes API (the fabric8 mock
 * server) until the operator reports ready.
 */
class ImageConfigIT {

  private static final String USER = WorkloadResources.RUN_AS + ":" + WorkloadResources.RUN_AS;

  private static final List<String> OCI_LABELS =
      List.of("title", "description", "version", "revision", "source", "created", "vendor");

  @TempDir static Path work;
  static JibImage image;

  @BeforeAll
  static void unpack() throws Exception {
    image = JibImage.unpack(work);
  }

  @Test
  void runsAsANonRootUserAndExposesTheHealthPort() {
    assertThat(image.config().get("User").asText()).isEqualTo(USER);
    assertThat(WorkloadResources.RUN_AS).isPositive();
    assertThat(image.config().get("WorkingDir").asText()).isEqualTo("/app");
    assertThat(image.exposedPorts()).containsExactly("8081/tcp");
    assertThat(image.entrypoint())
        .containsExactly("java", "@/app/jvm.options", "-jar", "/app/kaleem-operator.jar");
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
    assertThat(base).matches("eclipse-temurin:(\\d+\\.\\d+\\.\\d+_\\d+-jre\\S*|\\S*@sha256:\\S+)");
  }

  @Test
  void theJarIsRunnableFromItsLibFolder() throws IOException {
    Path app = image.root().resolve("app");
    try (JarFile jar = new JarFile(app.resolve("kaleem-operator.jar").toFile())) {
      var attributes = jar.getManifest().getMainAttributes();
      assertThat(attributes.getValue("Main-Class")).isEqualTo("io.kaleem.operator.KaleemOperator");
      for (String entry : attributes.getValue("Class-Path").split(" ")) {
        assertThat(app.resolve(entry)).as("Class-Path entry in the image").exists();
      }
    }
    assertThat(Files.readAllLines(app.resolve("jvm.options")))
        .contains("-XX:MaxRAMPercentage=75.0", "-XX:+ExitOnOutOfMemoryError")
        .noneMatch(f -> f.startsWith("-Xmx") || f.startsWith("-Xms"));
  }

  @Test
  void theDockerfileBuildsTheSameImage() throws IOException {
    DockerfileStage docker = DockerfileStage.parseFinalStage(Path.of("Dockerfile"));
    assertThat(Files.readAllLines(Path.of("Dockerfile")))
        .as("the Dockerfile's default base is the POM's kaleem.image.from")
        .contains("ARG JRE_IMAGE=" + System.getProperty("image.from"));
    assertThat(docker.user()).isEqualTo(image.config().get("User").asText());
    assertThat(docker.workdir()).isEqualTo(image.config().get("WorkingDir").asText());
    assertThat(docker.entrypoint()).isEqualTo(image.entrypoint());
    assertThat(docker.exposedPorts()).containsExactlyInAnyOrderElementsOf(image.exposedPorts());
    assertThat(docker.env()).isEmpty();
    assertThat(image.config().get("Env")).isNullOrEmpty();
    Set<String> jibFiles = new HashSet<>();
    try (Stream<Path> files = Files.list(image.root().resolve("app"))) {
      files.forEach(f -> jibFiles.add("/app/" + f.getFileName()));
    }
    assertThat(docker.copiedTo()).containsExactlyInAnyOrderElementsOf(jibFiles);
    assertThat(docker.healthcheck()).contains("http://127.0.0.1:8081/healthz");
  }

  @Test
  void theImagesEntrypointStartsAnOperatorThatBecomesReady() throws Exception {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init();
    Process operator = null;
    try (KubernetesClient client = server.createClient()) {
      try (InputStream crd =
          Files.newInputStream(Path.of("../crds/kaleemtenants.kaleem.io-v1.yml"))) {
        client.apiextensions().v1().customResourceDefinitions().load(crd).create();
      }
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      // The entrypoint exactly as the image records it, with /app at the unpacked layers.
      List<String> command = new ArrayList<>();
      String app = image.root().resolve("app").toString();
      image.entrypoint().forEach(a -> command.add(a.replace("/app/", app + "/")));
      Path log = work.resolve("operator.log");
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment()
          .keySet()
          .removeIf(k -> k.startsWith("KUBERNETES") || k.equals("POD_NAMESPACE"));
      pb.environment().put("KUBERNETES_MASTER", client.getConfiguration().getMasterUrl());
      pb.environment().put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
      pb.environment().put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
      pb.environment().put("HEALTH_PORT", String.valueOf(port));
      pb.environment().put("JAVA_TOOL_OPTIONS", "-Xms32m -Xmx256m");
      operator = pb.start();
      HttpClient http = HttpClient.newHttpClient();
      URI readyz = URI.create("http://127.0.0.1:" + port + "/readyz");
      Process running = operator;
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                assertThat(running.isAlive())
                    .as("operator process; log:%n%s", Files.readString(log))
                    .isTrue();
                HttpResponse<String> r =
                    http.send(
                        HttpRequest.newBuilder(readyz).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
              });
    } finally {
      if (operator != null) {
        operator.destroy();
        operator.waitFor();
      }
      server.destroy();
    }
  }
}
