package io.kaleem.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.kaleem.crds.metrics.MetricNames;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Operator: DNS, the API server and the tenants' databases out; Prometheus in. Tenants: the ingress
 * controller and Prometheus in, on the API port only.
 */
class NetworkPolicyTest {

  @Test
  void operatorTalksToDnsTheApiServerAndTheDatabasesOnly() {
    List<HasMetadata> objects = Chart.objects(Chart.template("values-production.yaml"));
    NetworkPolicy np = Chart.one(objects, NetworkPolicy.class, "kaleem-operator");
    assertThat(np.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
    assertThat(np.getSpec().getPodSelector().getMatchLabels())
        .containsEntry("app.kubernetes.io/name", "kaleem-operator");

    List<NetworkPolicyEgressRule> egress = np.getSpec().getEgress();
    assertThat(egress).hasSize(3);
    // Every egress rule names both its peers and its ports: nothing is open to everything.
    for (NetworkPolicyEgressRule r : egress) {
      assertThat(r.getTo()).isNotEmpty();
      assertThat(r.getPorts()).isNotEmpty();
    }
    assertThat(ports(egress.get(0))).isEqualTo(Set.of("UDP/53", "TCP/53"));
    assertThat(egress.get(0).getTo().get(0).getPodSelector().getMatchLabels())
        .containsEntry("k8s-app", "kube-dns");
    assertThat(ports(egress.get(1))).isEqualTo(Set.of("TCP/443", "TCP/6443"));
    assertThat(egress.get(1).getTo())
        .extracting(p -> p.getIpBlock().getCidr())
        .containsExactly("10.0.0.0/28");
    assertThat(ports(egress.get(2))).isEqualTo(Set.of("TCP/27017"));
    assertThat(egress.get(2).getTo())
        .extracting(p -> p.getIpBlock().getCidr())
        .containsExactly("10.10.0.0/24");

    assertThat(np.getSpec().getIngress())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getPorts())
                  .extracting(p -> p.getPort().getIntVal())
                  .containsExactly(8081);
              assertThat(r.getFrom())
                  .singleElement()
                  .extracting(
                      p -> p.getPodSelector().getMatchLabels().get("app.kubernetes.io/name"))
                  .isEqualTo("prometheus");
            });
  }

  @Test
  void devMongoIsADatabasePeerWhenItRuns() {
    List<HasMetadata> objects =
        Chart.objects(
            Chart.template(t -> t.set("dev.mongodb.enabled", "true").set("tenants", "null")));
    NetworkPolicy np = Chart.one(objects, NetworkPolicy.class, "kaleem-operator");
    NetworkPolicyEgressRule db = np.getSpec().getEgress().get(2);
    assertThat(db.getTo())
        .extracting(NetworkPolicyPeer::getPodSelector)
        .anySatisfy(
            s ->
                assertThat(s.getMatchLabels())
                    .containsEntry("app.kubernetes.io/name", "kaleem-dev-mongodb"));
  }

  @Test
  void tenantsAcceptTheIngressControllerAndPrometheusOnly() {
    List<HasMetadata> objects = Chart.objects(Chart.template("values-production.yaml"));
    NetworkPolicy np = Chart.one(objects, NetworkPolicy.class, "kaleem-sa-api");
    assertThat(np.getMetadata().getNamespace()).isEqualTo("kaleem-production");
    assertThat(np.getSpec().getPodSelector().getMatchLabels())
        .containsEntry("kaleem.io/tenant", "kaleem-sa")
        .containsEntry("app.kubernetes.io/name", "kaleem-api");
    assertThat(np.getSpec().getPolicyTypes()).containsExactly("Ingress");
    // The ingress controller reaches the API port; Prometheus only the management port the
    // operator's pods and PodMonitor name (MetricNames.SCRAPE_PORT).
    assertThat(np.getSpec().getIngress()).hasSize(2);
    var clients = np.getSpec().getIngress().get(0);
    assertThat(clients.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(8080);
    assertThat(clients.getFrom())
        .extracting(p -> p.getPodSelector().getMatchLabels().get("app.kubernetes.io/name"))
        .containsExactly("ingress-nginx");
    var scrape = np.getSpec().getIngress().get(1);
    assertThat(scrape.getPorts())
        .extracting(p -> p.getPort().getIntVal())
        .containsExactly(MetricNames.SCRAPE_PORT);
    assertThat(scrape.getFrom())
        .extracting(p -> p.getPodSelector().getMatchLabels().get("app.kubernetes.io/name"))
        .containsExactly("prometheus");
    assertThat(np.getSpec().getIngress())
        .flatExtracting(r -> r.getFrom())
        .allSatisfy(p -> assertThat(p.getNamespaceSelector()).isNotNull());
  }

  @Test
  void noneWhenDisabled() {
    assertThat(Chart.all(Chart.objects(Chart.template("values-dev.yaml")), NetworkPolicy.class))
        .isEmpty();
  }

  @Test
  void devServicesAcceptTheirOwnNamespaceOnly() {
    List<HasMetadata> objects =
        Chart.objects(
            Chart.template(
                t ->
                    t.withValuesFile(Chart.DIR.resolve("values-dev.yaml"))
                        .set("networkPolicy.enabled", "true")));
    NetworkPolicy np = Chart.one(objects, NetworkPolicy.class, "kaleem-dev-backing-services");
    assertThat(np.getSpec().getPodSelector().getMatchExpressions())
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getValues())
                    .containsExactly(
                        "kaleem-dev-mongodb", "kaleem-dev-redis", "kaleem-dev-rabbitmq"));
    assertThat(np.getSpec().getIngress())
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.getFrom())
                    .singleElement()
                    .satisfies(
                        p -> {
                          assertThat(p.getNamespaceSelector()).isNull();
                          assertThat(p.getPodSelector().getMatchLabels()).isNullOrEmpty();
                        }));
  }

  private static Set<String> ports(NetworkPolicyEgressRule r) {
    return r.getPorts().stream()
        .map(p -> p.getProtocol() + "/" + p.getPort().getIntVal())
        .collect(Collectors.toSet());
  }
}
