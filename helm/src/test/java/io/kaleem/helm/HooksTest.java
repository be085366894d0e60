package io.kaleem.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.operator.spec.SpecValidator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The `helm test` hook (operator rolled out, then a sample tenant Ready) and the dev credentials
 * hook: hooks only, never part of the release manifest, and consistent with what uses them.
 */
class HooksTest {

  private static final String TEST_TENANT = "kaleem-helm-test";

  @Test
  void hooksAreNotInTheReleaseManifest() {
    List<HasMetadata> manifest = Chart.objects(Chart.template("values-dev.yaml"));
    assertThat(manifest)
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .doesNotContain(
            "Pod/kaleem-test",
            "KaleemTenant/" + TEST_TENANT,
            "Secret/kaleem-dev-credentials",
            "Role/kaleem-test");
  }

  @Test
  void theTestWaitsForTheOperatorThenForTheSampleTenant(@TempDir Path scratch) throws IOException {
    List<HasMetadata> all =
        Chart.objects(
            Chart.templateWithHooks(
                scratch, t -> t.withValuesFile(Chart.DIR.resolve("values-dev.yaml"))));
    Pod pod = Chart.one(all, Pod.class, "kaleem-test");
    assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("kaleem-test");
    Container first = pod.getSpec().getInitContainers().get(0);
    assertThat(first.getImage()).isEqualTo("registry.k8s.io/kubectl:v1.31.4");
    assertThat(first.getCommand()).containsExactly("kubectl");
    assertThat(first.getArgs())
        .contains("rollout", "status", "deployment/kaleem-operator", "--namespace=kaleem-system");
    Container then = pod.getSpec().getContainers().get(0);
    assertThat(then.getArgs())
        .contains("wait", "kaleemtenant/" + TEST_TENANT, "--for=jsonpath={.status.phase}=Ready");

    KaleemTenant tenant =
        TenantsTest.tenants(all).stream()
            .filter(t -> t.getMetadata().getName().equals(TEST_TENANT))
            .findFirst()
            .orElseThrow();
    assertThat(SpecValidator.problems(tenant.getSpec())).isEmpty();
    assertThat(tenant.getSpec().database.secretRef.name).isEqualTo("kaleem-dev-credentials");
    assertThat(tenant.getSpec().deletionPolicy)
        .as("the test's database leaves with the test tenant")
        .isEqualTo(KaleemTenantSpec.DeletionPolicy.Delete);

    // The test's own account reads two named objects and writes nothing.
    Role role = Chart.one(all, Role.class, "kaleem-test");
    assertThat(role.getRules())
        .allSatisfy(
            r -> {
              assertThat(r.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
              assertThat(r.getResourceNames()).hasSize(1);
            });
  }

  @Test
  void withoutASampleTenantTheTestChecksTheOperatorOnly(@TempDir Path scratch) throws IOException {
    List<HasMetadata> all = Chart.objects(Chart.templateWithHooks(scratch, t -> t));
    Pod pod = Chart.one(all, Pod.class, "kaleem-test");
    assertThat(pod.getSpec().getInitContainers()).isNullOrEmpty();
    assertThat(pod.getSpec().getContainers())
        .singleElement()
        .satisfies(c -> assertThat(c.getArgs()).contains("rollout", "status"));
    assertThat(TenantsTest.tenants(all)).isEmpty();
  }

  @Test
  void aSampleTenantNeedsADatabase() {
    assertThatThrownBy(() -> Chart.template(t -> t.set("tests.sampleTenant.enabled", "true")))
        .hasMessageContaining("tests.sampleTenant.enabled needs");
  }

  /** Every Secret key the dev StatefulSets read exists, and the URIs name the dev Services. */
  @Test
  void devCredentialsCoverEveryReference(@TempDir Path scratch) throws IOException {
    List<HasMetadata> all =
        Chart.objects(
            Chart.templateWithHooks(
                scratch, t -> t.withValuesFile(Chart.DIR.resolve("values-dev.yaml"))));
    Secret secret = Chart.one(all, Secret.class, "kaleem-dev-credentials");
    assertThat(secret.getStringData())
        .containsKeys("mongodb-uri", "redis-url", "amqp-url")
        .allSatisfy((k, v) -> assertThat(v).isNotBlank());
    assertThat(secret.getStringData().get("mongodb-uri"))
        .startsWith("mongodb://root:")
        .contains("@kaleem-dev-mongodb.kaleem-system.svc:27017/");
    assertThat(secret.getStringData().get("redis-url"))
        .contains("@kaleem-dev-redis.kaleem-system.svc:6379");
    assertThat(secret.getStringData().get("amqp-url"))
        .contains("@kaleem-dev-rabbitmq.kaleem-system.svc:5672/");
    List<StatefulSet> sets = Chart.all(all, StatefulSet.class);
    assertThat(sets).hasSize(3);
    for (StatefulSet s : sets) {
      for (EnvVar e : s.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
        if (e.getValueFrom() != null) {
          var ref = e.getValueFrom().getSecretKeyRef();
          assertThat(ref.getName()).isEqualTo(secret.getMetadata().getName());
          assertThat(secret.getStringData()).containsKey(ref.getKey());
        }
      }
    }
  }

  @Test
  void noTestObjectsWhenTestsAreOff(@TempDir Path scratch) throws IOException {
    List<HasMetadata> all =
        Chart.objects(Chart.templateWithHooks(scratch, t -> t.set("tests.enabled", "false")));
    assertThat(all)
        .extracting(o -> o.getMetadata().getLabels().get("app.kubernetes.io/component"))
        .doesNotContain("test");
  }

  /** Staging watches kaleem-staging only: the test tenant lives there, and so does its Role. */
  @Test
  void theSampleTenantLivesInAWatchedNamespace(@TempDir Path scratch) throws IOException {
    List<HasMetadata> all =
        Chart.objects(
            Chart.templateWithHooks(
                scratch, t -> t.withValuesFile(Chart.DIR.resolve("values-staging.yaml"))));
    KaleemTenant tenant =
        TenantsTest.tenants(all).stream()
            .filter(t -> t.getMetadata().getName().equals(TEST_TENANT))
            .findFirst()
            .orElseThrow();
    assertThat(tenant.getMetadata().getNamespace()).isEqualTo("kaleem-staging");
    assertThat(Chart.one(all, Pod.class, "kaleem-test").getSpec().getContainers().get(0).getArgs())
        .contains("--namespace=kaleem-staging");
    assertThat(Chart.all(all, Role.class))
        .filteredOn(r -> r.getMetadata().getName().equals("kaleem-test"))
        .extracting(
            r -> r.getMetadata().getNamespace() + ":" + r.getRules().get(0).getResources().get(0))
        .containsExactlyInAnyOrder("kaleem-system:deployments", "kaleem-staging:kaleemtenants");

    assertThatThrownBy(
            () ->
                Chart.template(
                    t ->
                        t.withValuesFile(Chart.DIR.resolve("values-staging.yaml"))
                            .set("tests.sampleTenant.namespace", "kaleem-system")))
        .hasMessageContaining("tests.sampleTenant.namespace kaleem-system is not in");
  }
}
