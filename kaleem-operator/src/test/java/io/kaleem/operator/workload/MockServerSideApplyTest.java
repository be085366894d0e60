package io.kaleem.operator.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Why the dependents write JSON Patch and not server-side apply: the fabric8 mock API server in
 * CRUD mode, which every operator test runs against, refuses an apply patch and never records
 * managedFields (docs/OPERATOR.md, "Writes"). When a fabric8 upgrade makes this test fail, SSA can
 * be tested and reconsidered.
 */
class MockServerSideApplyTest {

  KubernetesMockServer server;
  KubernetesClient client;

  @BeforeEach
  void up() {
    // CRUD mode, as OperatorHarness runs it.
    server =
        new KubernetesMockServer(
            new io.fabric8.mockwebserver.Context(),
            new io.fabric8.mockwebserver.MockWebServer(),
            new java.util.HashMap<>(),
            new io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher(
                java.util.List.of()),
            false);
    server.init();
    client = server.createClient();
  }

  @AfterEach
  void down() {
    client.close();
    server.destroy();
  }

  @Test
  void theCrudMockRefusesAnApplyPatchAndKeepsNoManagedFields() {
    ConfigMap created =
        client
            .configMaps()
            .inNamespace("ns")
            .resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName("c")
                    .withNamespace("ns")
                    .endMetadata()
                    .addToData("k", "v1")
                    .build())
            .create();
    assertThat(created.getMetadata().getManagedFields()).isNullOrEmpty();

    ConfigMap ours =
        new ConfigMapBuilder(created)
            .editMetadata()
            .withResourceVersion(null)
            .withManagedFields()
            .endMetadata()
            .addToData("k", "v2")
            .build();
    KubernetesClientException e =
        catchThrowableOfType(
            KubernetesClientException.class,
            () ->
                client
                    .configMaps()
                    .inNamespace("ns")
                    .resource(ours)
                    .fieldManager("kaleem-operator")
                    .forceConflicts()
                    .serverSideApply());
    assertThat(e.getCode()).isEqualTo(415);
    assertThat(client.configMaps().inNamespace("ns").withName("c").get().getData())
        .containsEntry("k", "v1");
  }
}
