package io.kaleem.crds.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The CRD YAML committed in {@code crds/} must be what the fabric8 CRD generator makes from the
 * current types (the generator runs in this module's build, at process-classes).
 */
class CrdYamlIsCurrentTest {

  static final String FILE = "kaleemtenants.kaleem.io-v1.yml";

  @Test
  void committedCrdMatchesGeneratedOne() throws IOException {
    Path generated = Path.of("target/classes/META-INF/fabric8", FILE);
    Path committed = Path.of(FILE);
    assertThat(generated)
        .as("the crd-generator-maven-plugin output; run the build through process-classes")
        .exists();
    assertThat(committed).as("committed CRD; run `make crds` to create it").exists();
    assertThat(Files.readString(committed))
        .as("crds/%s is stale: run `make crds` and commit the result", FILE)
        .isEqualTo(Files.readString(generated));
  }
}
