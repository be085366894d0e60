package io.kaleem.testsupport.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/** What every Kaleem image must satisfy, whichever module ships it. */
public final class ImageChecks {

  private static final List<String> OCI_LABELS =
      List.of("title", "description", "version", "revision", "source", "created", "vendor");

  private ImageChecks() {}

  /**
   * The files are root's and the process is not, so what it needs must be open to "others":
   * readable files, traversable directories, and nothing it could rewrite.
   */
  public static void nonRootUserCanReadEverythingAndWriteNothing(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
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

  /**
   * The OCI labels, and a base pinned to a full JRE release tag (or a digest): a rebuild of the
   * same commit gets the same JRE, and a JRE, not a JDK, since the image only runs Java. The POM
   * passes its {@code kaleem.image.from} as the system property {@code image.from}.
   */
  public static void carriesOciLabelsAndAPinnedJreBase(JibImage image) {
    for (String label : OCI_LABELS) {
      assertThat(image.label("org.opencontainers.image." + label)).as(label).isNotBlank();
    }
    String base = System.getProperty("image.from");
    assertThat(image.label("org.opencontainers.image.base.name")).isEqualTo(base);
    assertThat(base).matches("eclipse-temurin:(\\d+\\.\\d+\\.\\d+_\\d+-jre\\S*|\\S*@sha256:\\S+)");
  }

  /**
   * The jar runs from the image's own files: its Main-Class, every Class-Path entry present, and
   * JVM flags that follow the container's memory limit (a fixed -Xmx/-Xms would ignore it).
   */
  public static void jarRunsFromItsLibFolder(Path app, String jar, String mainClass)
      throws IOException {
    try (JarFile file = new JarFile(app.resolve(jar).toFile())) {
      var attributes = file.getManifest().getMainAttributes();
      assertThat(attributes.getValue("Main-Class")).isEqualTo(mainClass);
      for (String entry : attributes.getValue("Class-Path").split(" ")) {
        assertThat(app.resolve(entry)).as("Class-Path entry in the image").exists();
      }
    }
    assertThat(Files.readAllLines(app.resolve("jvm.options")))
        .contains("-XX:MaxRAMPercentage=75.0", "-XX:+ExitOnOutOfMemoryError")
        .noneMatch(f -> f.startsWith("-Xmx") || f.startsWith("-Xms"));
  }

  /**
   * The Dockerfile (path relative to the module) builds the image Jib builds: the POM's base as its
   * default, the same user, working directory, entrypoint, ports and files under /app. Returns the
   * parsed stage for the checks particular to one image (env, health check).
   */
  public static DockerfileStage dockerfileBuildsTheSameImage(Path dockerfile, JibImage image)
      throws IOException {
    DockerfileStage docker = DockerfileStage.parseFinalStage(dockerfile);
    assertThat(Files.readAllLines(dockerfile))
        .as("the Dockerfile's default base is the POM's kaleem.image.from")
        .contains("ARG JRE_IMAGE=" + System.getProperty("image.from"));
    assertThat(docker.user()).isEqualTo(image.user());
    assertThat(docker.workdir()).isEqualTo(image.workingDir());
    assertThat(docker.entrypoint()).isEqualTo(image.entrypoint());
    assertThat(docker.exposedPorts()).containsExactlyInAnyOrderElementsOf(image.exposedPorts());
    List<String> dockerEnv =
        docker.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    assertThat(dockerEnv).containsExactlyInAnyOrderElementsOf(image.env());
    Set<String> jibFiles = new HashSet<>();
    try (Stream<Path> files = Files.list(image.app())) {
      files.forEach(f -> jibFiles.add("/app/" + f.getFileName()));
    }
    assertThat(new HashSet<>(docker.copiedTo())).isEqualTo(jibFiles);
    return docker;
  }
}
