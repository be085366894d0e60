package io.kaleem.operator.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kaleem.operator.resources.WorkloadResources;
import io.kaleem.testsupport.image.DockerfileStage;
import io.kaleem.testsupport.image.ImageChecks;
import io.kaleem.testsupport.image.JibImage;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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

  @TempDir static Path work;
  static JibImage image;

  @BeforeAll
  static void unpack() throws Exception {
    image = JibImage.unpack(work);
  }

  @Test
  void runsAsANonRootUserAndExposesTheHealthPort() {
    assertThat(image.user()).isEqualTo(USER);
    assertThat(WorkloadResources.RUN_AS).isPositive();
    assertThat(image.workingDir()).isEqualTo("/app");
    assertThat(image.exposedPorts()).containsExactly("8081/tcp");
    assertThat(image.entrypoint())
        .containsExactly("java", "@/app/jvm.options", "-jar", "/app/kaleem-operator.jar");
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
  void theJarIsRunnableFromItsLibFolder() throws IOException {
    ImageChecks.jarRunsFromItsLibFolder(
        image.app(), "kaleem-operator.jar", "io.kaleem.operator.KaleemOperator");
  }

  @Test
  void theDockerfileBuildsTheSameImage() throws IOException {
    DockerfileStage docker = ImageChecks.dockerfileBuildsTheSameImage(Path.of("Dockerfile"), image);
    assertThat(docker.env()).isEmpty();
    assertThat(docker.healthcheck()).contains("http://127.0.0.1:8081/healthz");
  }

  @Test
  void theImagesEntrypointStartsAnOperatorThatBecomesReady() throws Exception {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new io.kaleem.mockapi.ServerSideApplyCrudDispatcher(),
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
