package io.kaleem.operator.resources;

import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import io.kaleem.crds.alerts.AlertRules;
import io.kaleem.crds.metrics.MetricNames;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.operator.Labels;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tenant's monitoring objects for prometheus-operator: a {@code PodMonitor} that scrapes the
 * API pods' management port (adding the {@code tenant} and {@code revision} labels every query
 * selects on; prometheus-operator adds {@code namespace} itself), and a {@code PrometheusRule} with
 * the tenant's SLO alerts. The rules are {@link AlertRules} for the tenant's scope, the same code
 * that writes {@code observability/alerts/api-alerts.yml}.
 */
public class MonitoringResources {

  public static final String GROUP = "monitoring.coreos.com";
  public static final String VERSION = "v1";
  public static final String API_VERSION = GROUP + "/" + VERSION;
  public static final String KIND = "PrometheusRule";
  public static final String CRD = "prometheusrules.monitoring.coreos.com";
  public static final String POD_MONITOR_KIND = "PodMonitor";
  public static final String POD_MONITOR_CRD = "podmonitors.monitoring.coreos.com";

  /**
   * The PrometheusRule kind as a Java type, known to the client by {@link #registerKinds}: the
   * client then finds the kind's plural and scope here instead of asking the API server's
   * discovery, which fails while the CRD is absent (JOSDK builds a dependent's informer before it
   * evaluates the activation condition, and the informer of a generic kind needs that lookup). Its
   * objects are still {@link GenericKubernetesResource}s.
   */
  @Group(GROUP)
  @Version(VERSION)
  @Kind(KIND)
  @Plural("prometheusrules")
  @JsonDeserialize(using = JsonDeserializer.None.class)
  public static final class RuleKind extends GenericKubernetesResource implements Namespaced {}

  /** The PodMonitor kind as a Java type; see {@link RuleKind}. */
  @Group(GROUP)
  @Version(VERSION)
  @Kind(POD_MONITOR_KIND)
  @Plural("podmonitors")
  @JsonDeserialize(using = JsonDeserializer.None.class)
  public static final class PodMonitorKind extends GenericKubernetesResource
      implements Namespaced {}

  /** Teaches {@code client} both kinds (see {@link RuleKind}); idempotent. */
  public static void registerKinds(KubernetesClient client) {
    client.getKubernetesSerialization().registerKubernetesResource(RuleKind.class);
    client.getKubernetesSerialization().registerKubernetesResource(PodMonitorKind.class);
  }

  /** Target label holding the pod's revision (rollout analysis selects on it). */
  public static final String LABEL_REVISION = "revision";

  public static GenericKubernetesResource rule(KaleemTenant t, KaleemTenantSpec spec) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(API_VERSION)
        .withKind(KIND)
        .withNewMetadata()
        .withName(Labels.ruleName(t))
        .withLabels(Labels.common(t))
        .endMetadata()
        .addToAdditionalProperties("spec", Map.of("groups", groups(t, spec)))
        .build();
  }

  /**
   * The API pods' scrape: the management port by name, every 30 s, with the pod's tenant and
   * revision labels copied into target labels.
   */
  public static GenericKubernetesResource podMonitor(KaleemTenant t) {
    Map<String, Object> endpoint = new LinkedHashMap<>();
    endpoint.put("port", MetricNames.SCRAPE_PORT_NAME);
    endpoint.put("path", MetricNames.SCRAPE_PATH);
    endpoint.put("interval", "30s");
    endpoint.put(
        "relabelings",
        List.of(
            relabel(Labels.TENANT, MetricNames.LABEL_TENANT),
            relabel(Labels.REVISION, LABEL_REVISION)));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("selector", Map.of("matchLabels", Labels.selector(t)));
    spec.put("podMetricsEndpoints", List.of(endpoint));
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(API_VERSION)
        .withKind(POD_MONITOR_KIND)
        .withNewMetadata()
        .withName(Labels.apiName(t))
        .withLabels(Labels.common(t))
        .endMetadata()
        .addToAdditionalProperties("spec", spec)
        .build();
  }

  /** Copies pod label {@code podLabel} into target label {@code target}. */
  private static Map<String, Object> relabel(String podLabel, String target) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put(
        "sourceLabels",
        List.of("__meta_kubernetes_pod_label_" + podLabel.replaceAll("[^A-Za-z0-9_]", "_")));
    r.put("targetLabel", target);
    r.put("action", "replace");
    return r;
  }

  /** The rule groups, in Prometheus rule-file form (also what {@code promtool} checks). */
  public static List<Map<String, Object>> groups(KaleemTenant t, KaleemTenantSpec spec) {
    KaleemTenantSpec.Slo slo = spec.monitoring.slo;
    return AlertRules.groups(
        AlertRules.Scope.tenant(t.getMetadata().getNamespace(), t.getMetadata().getName()),
        new AlertRules.Thresholds(slo.p95Latency, slo.errorRate, slo.cacheHitRate, slo.window));
  }

  /** A Spring-style duration as seconds for PromQL comparisons: 500ms to 0.5. */
  public static String seconds(String duration) {
    return AlertRules.seconds(duration);
  }

  public static Duration toDuration(String d) {
    return AlertRules.toDuration(d);
  }
}
