package io.kaleem.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.kaleem.operator.ApiAccess;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * kaleem-operator/deploy/rbac.yaml (the chart-less install) grants what ApiAccess lists too, so the
 * two ways to install cannot give the operator different authority.
 */
class OperatorManifestsTest {

  @Test
  void plainRbacManifestMatchesTheOperatorsTable() throws IOException {
    List<HasMetadata> objects =
        Chart.objects(Files.readString(Chart.REPO.resolve("kaleem-operator/deploy/rbac.yaml")));
    Set<String> granted = new TreeSet<>();
    for (ClusterRole r : Chart.all(objects, ClusterRole.class)) {
      r.getRules().forEach(p -> granted.addAll(RbacTest.grants(List.of(p))));
    }
    for (Role r : Chart.all(objects, Role.class)) {
      r.getRules().forEach(p -> granted.addAll(RbacTest.grants(List.of(p))));
    }
    assertThat(granted).containsExactlyElementsOf(RbacTest.expected(ApiAccess.Scope.values()));
  }
}
