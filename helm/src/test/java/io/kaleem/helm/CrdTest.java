package io.kaleem.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart installs the generated CRD, byte for byte ({@code make helm-sync} copies it; crds'
 * CrdYamlIsCurrentTest ties that file to the Java types).
 */
class CrdTest {

  private static final Path GENERATED = Chart.REPO.resolve("crds/kaleemtenants.kaleem.io-v1.yml");

  @Test
  void theChartsCrdIsTheGeneratedOneByteForByte() throws IOException {
    Path inChart = Chart.DIR.resolve("crds/kaleemtenants.kaleem.io-v1.yml");
    assertThat(Files.mismatch(inChart, GENERATED))
        .as("helm/kaleem/crds/ differs from crds/: run `make helm-sync`")
        .isEqualTo(-1L);
    try (Stream<Path> files = Files.list(Chart.DIR.resolve("crds"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("the chart's crds/ holds the generated CRD and nothing else")
          .containsExactly("kaleemtenants.kaleem.io-v1.yml");
    }
  }

  @Test
  void itIsTheKaleemTenantCrd() throws IOException {
    List<HasMetadata> objects =
        Chart.objects(Files.readString(Chart.DIR.resolve("crds/kaleemtenants.kaleem.io-v1.yml")));
    CustomResourceDefinition crd = (CustomResourceDefinition) objects.get(0);
    assertThat(ModelCheck.unknownFields(crd)).isEmpty();
    assertThat(crd.getMetadata().getName())
        .isEqualTo(HasMetadata.getFullResourceName(KaleemTenant.class));
    assertThat(crd.getSpec().getVersions())
        .anySatisfy(
            v -> {
              assertThat(v.getName()).isEqualTo(HasMetadata.getVersion(KaleemTenant.class));
              assertThat(v.getServed()).isTrue();
              assertThat(v.getStorage()).isTrue();
            });
  }
}
