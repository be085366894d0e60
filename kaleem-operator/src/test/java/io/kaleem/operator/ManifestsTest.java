package io.kaleem.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.operator.spec.SpecValidator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The samples are valid tenants and the RBAC manifest grants what the reconciler uses. */
class ManifestsTest {

  @Test
  void samplesAreValidTenants() throws IOException {
    for (String f : List.of("tenant-minimal.yaml", "tenant-full.yaml")) {
      try (InputStream in = Files.newInputStream(Path.of("../crds/samples", f))) {
        KaleemTenant t = Serialization.unmarshal(in, KaleemTenant.class);
        assertThat(SpecValidator.problems(t.getSpec())).as(f).isEmpty();
      }
    }
  }

  @Test
  void rbacCoversEveryKindTheOperatorWrites() throws IOException {
    List<HasMetadata> objects;
    try (InputStream in = Files.newInputStream(Path.of("deploy/rbac.yaml"))) {
      objects = new KubernetesSerialization().unmarshal(in);
    }
    ClusterRole role =
        objects.stream()
            .filter(ClusterRole.class::isInstance)
            .map(ClusterRole.class::cast)
            .findFirst()
            .orElseThrow();
    List<String> grants =
        role.getRules().stream()
            .flatMap(
                (PolicyRule r) ->
                    r.getResources().stream()
                        .flatMap(res -> r.getVerbs().stream().map(v -> res + ":" + v)))
            .toList();
    assertThat(grants)
        .contains(
            "kaleemtenants:watch",
            "kaleemtenants/status:patch",
            "kaleemtenants/finalizers:update",
            "configmaps:patch",
            "configmaps:delete",
            "secrets:create",
            "secrets:watch",
            "deployments:watch",
            "deployments:patch",
            "horizontalpodautoscalers:delete",
            "poddisruptionbudgets:patch",
            "prometheusrules:watch",
            "prometheusrules:patch",
            "podmonitors:watch",
            "podmonitors:patch",
            "pods:list",
            "pods:watch",
            "controllerrevisions:get",
            "controllerrevisions:create",
            "events:create",
            "events:patch")
        .doesNotContain(
            "secrets:update",
            "secrets:delete",
            "deployments:delete",
            "deployments:update",
            "controllerrevisions:update",
            "prometheusrules:update",
            "podmonitors:update",
            "*:*");
  }
}
