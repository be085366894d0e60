package io.kaleem.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.operator.Labels;
import io.kaleem.operator.spec.SpecValidator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** values.tenants become KaleemTenants the operator accepts, with an optional TLS Ingress each. */
class TenantsTest {

  static List<KaleemTenant> tenants(List<HasMetadata> objects) {
    return objects.stream()
        .filter(o -> "KaleemTenant".equals(o.getKind()))
        .map(o -> Chart.KUBE.unmarshal(Chart.KUBE.asJson(o), KaleemTenant.class))
        .toList();
  }

  @Test
  void everyEnvironmentsTenantsPassTheOperatorsOwnValidation() {
    for (String values : Chart.VALUES_FILES) {
      List<KaleemTenant> tenants = tenants(Chart.objects(Chart.template(values)));
      assertThat(tenants).as(values).isNotEmpty();
      for (KaleemTenant t : tenants) {
        assertThat(SpecValidator.problems(t.getSpec()))
            .as(values + " " + t.getMetadata().getName())
            .isEmpty();
        assertThat(t.getSpec().api.image).as("from tenantDefaults").startsWith("ghcr.io/kaleem/");
        assertThat(t.getMetadata().getLabels())
            .containsEntry("kaleem.io/tenant", t.getMetadata().getName());
      }
    }
  }

  @Test
  void productionTenantsSurviveUninstallAndReferenceTheirSecret() {
    KaleemTenant t = tenants(Chart.objects(Chart.template("values-production.yaml"))).get(0);
    assertThat(t.getMetadata().getNamespace()).isEqualTo("kaleem-production");
    assertThat(t.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
    assertThat(t.getSpec().database.secretRef.name).isEqualTo("kaleem-sa-mongo");
    // Merged, not replaced: the tenant's own api fields sit beside the default image.
    assertThat(t.getSpec().api.autoscaling.maxReplicas).isEqualTo(12);
  }

  @Test
  void devTenantsUseTheDevMongoSecret() {
    KaleemTenant t = tenants(Chart.objects(Chart.template("values-dev.yaml"))).get(0);
    assertThat(t.getSpec().database.secretRef.name).isEqualTo("kaleem-dev-credentials");
    assertThat(t.getSpec().database.secretRef.key).isEqualTo("mongodb-uri");
    assertThat(t.getSpec().redis.secretRef.name).isEqualTo("kaleem-dev-credentials");
    assertThat(t.getSpec().redis.secretRef.key).isEqualTo("redis-url");
    assertThat(t.getSpec().messaging.amqpSecretRef.name).isEqualTo("kaleem-dev-credentials");
    assertThat(t.getSpec().messaging.amqpSecretRef.key).isEqualTo("amqp-url");
    assertThat(t.getMetadata().getAnnotations()).isNullOrEmpty();
  }

  @Test
  void aTenantWithoutADatabaseSecretIsRefusedWithItsName() {
    assertThatThrownBy(
            () ->
                Chart.template(
                    t ->
                        t.set("tenants[0].name", "bare")
                            .set("tenants[0].spec.plan", "starter")
                            .set("tenants[0].spec.database.name", "bare")))
        .hasMessageContaining("tenants[bare].spec.database.secretRef is required");
  }

  @Test
  void ingressTerminatesTlsWithCertManagerAndPointsAtTheOperatorsService() {
    List<HasMetadata> objects = Chart.objects(Chart.template("values-production.yaml"));
    KaleemTenant t = tenants(objects).get(0);
    Ingress ing = Chart.one(objects, Ingress.class, "kaleem-sa-api");
    assertThat(ing.getMetadata().getNamespace()).isEqualTo(t.getMetadata().getNamespace());
    assertThat(ing.getSpec().getTls())
        .singleElement()
        .satisfies(
            tls -> {
              assertThat(tls.getHosts()).containsExactly("api.kaleem.example");
              assertThat(tls.getSecretName()).isEqualTo("kaleem-sa-api-tls");
            });
    assertThat(ing.getMetadata().getAnnotations())
        .containsEntry("cert-manager.io/cluster-issuer", "letsencrypt")
        .containsEntry("nginx.ingress.kubernetes.io/force-ssl-redirect", "true")
        .doesNotContainKey("nginx.ingress.kubernetes.io/configuration-snippet");
    var backend = ing.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend();
    assertThat(backend.getService().getName()).isEqualTo(Labels.apiName(t));
    assertThat(backend.getService().getPort().getNumber()).isEqualTo(80);
  }

  @Test
  void hstsHeaderThroughTheControllerWhenSnippetsAreAllowed() {
    List<HasMetadata> objects =
        Chart.objects(
            Chart.template(
                t ->
                    t.withValuesFile(Chart.DIR.resolve("values-production.yaml"))
                        .set("tenants[0].ingress.hsts.nginxSnippet", "true")
                        .set("tenants[0].ingress.hsts.preload", "true")));
    assertThat(
            Chart.one(objects, Ingress.class, "kaleem-sa-api")
                .getMetadata()
                .getAnnotations()
                .get("nginx.ingress.kubernetes.io/configuration-snippet"))
        .contains(
            "more_set_headers \"Strict-Transport-Security: max-age=31536000; includeSubDomains; preload\"");
  }

  @Test
  void noIngressUnlessAsked() {
    assertThat(Chart.all(Chart.objects(Chart.template("values-dev.yaml")), Ingress.class))
        .isEmpty();
  }

  @Test
  void aTenantOutsideTheWatchedNamespacesIsRefused() {
    assertThatThrownBy(
            () ->
                Chart.template(
                    t ->
                        t.withValuesFile(Chart.DIR.resolve("values-production.yaml"))
                            .set("operator.watchNamespaces[0]", "elsewhere")))
        .hasMessageContaining(
            "tenants[kaleem-sa] is in namespace kaleem-production, which operator.watchNamespaces"
                + " (elsewhere) leaves out");
  }

  @Test
  void aTenantListedTwiceIsRefused() {
    assertThatThrownBy(
            () ->
                Chart.template(
                    t ->
                        t.withValuesFile(Chart.DIR.resolve("values-production.yaml"))
                            .set("tenants[1].name", "kaleem-sa")
                            .set("tenants[1].namespace", "kaleem-production")
                            .set("tenants[1].spec.plan", "starter")))
        .hasMessageContaining("tenants: kaleem-production/kaleem-sa is listed twice");
  }
}
