package io.kaleem.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every rendered document (hooks included) is a Kubernetes object of the fabric8 model with no
 * field the model does not know, no duplicate key, and a name and namespace.
 */
class ManifestModelTest {

  @ParameterizedTest(name = "values: {0}")
  @NullSource
  @ValueSource(strings = {"values-dev.yaml", "values-staging.yaml", "values-production.yaml"})
  void everyManifestIsAWellFormedObject(String valuesFile, @TempDir Path scratch)
      throws IOException {
    String rendered =
        Chart.templateWithHooks(
            scratch,
            t ->
                (valuesFile == null ? t : t.withValuesFile(Chart.DIR.resolve(valuesFile)))
                    .set("metrics.serviceMonitor.mode", "always"));
    ObjectMapper strictYaml =
        new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    for (String doc : Chart.documents(rendered)) {
      strictYaml.readTree(doc); // throws on a duplicate key
    }
    List<HasMetadata> objects = Chart.objects(rendered);
    assertThat(objects).isNotEmpty();
    for (HasMetadata o : objects) {
      String what = o.getKind() + "/" + o.getMetadata().getName();
      assertThat(ModelCheck.unknownFields(o)).as(what).isEmpty();
      assertThat(o.getMetadata().getName()).as(what).matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
      assertThat(o.getMetadata().getName().length()).as(what).isLessThanOrEqualTo(63);
      assertThat(o.getMetadata().getLabels()).as(what).containsKey("helm.sh/chart");
    }
  }
}
