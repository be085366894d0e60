package io.kaleem.operator.resources;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.kaleem.crds.config.TenantConfigRenderer;
import io.kaleem.crds.metrics.MetricNames;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.operator.Labels;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tenant's API workload: Deployment, Service, HorizontalPodAutoscaler, PodDisruptionBudget.
 * Every spec given here has been through {@link KaleemTenantSpec#withDefaults()} (the reconciler
 * applies it once), so no field is read with a fallback of its own.
 */
public final class WorkloadResources {

  public static final int HTTP_PORT = 8080;
  public static final String LIVENESS_PATH = "/api/health/liveness";

  /** The API's management port and path: Prometheus text / OpenMetrics, no token. */
  public static final int METRICS_PORT = MetricNames.SCRAPE_PORT;

  public static final String METRICS_PATH = MetricNames.SCRAPE_PATH;
  public static final long RUN_AS = 10001L;

  private WorkloadResources() {}

  /** A pod template and the revision it defines (a hash of the template). */
  public record Template(PodTemplateSpec template, String revision) {}

  /**
   * The pod template for a spec. The revision is computed before the revision label is added, so
   * equal specs (and equal rendered config) always give equal revisions.
   */
  public static Template podTemplate(KaleemTenant t, KaleemTenantSpec spec, String configHash) {
    KaleemTenantSpec.Rollout rollout = spec.rollout;
    KaleemTenantSpec.Resources res = spec.api.resources;

    List<EnvVar> env = ApiEnvironment.of(t, spec);

    Map<String, String> podLabels = new LinkedHashMap<>(Labels.common(t));
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("prometheus.io/scrape", "true");
    annotations.put("prometheus.io/port", String.valueOf(METRICS_PORT));
    annotations.put("prometheus.io/path", METRICS_PATH);
    annotations.put(Labels.CONFIG_HASH, configHash);

    PodTemplateSpec template =
        new PodTemplateSpecBuilder()
            .withNewMetadata()
            .withLabels(podLabels)
            .withAnnotations(annotations)
            .endMetadata()
            .withNewSpec()
            .withAutomountServiceAccountToken(false)
            .withNewSecurityContext()
            .withRunAsNonRoot(true)
            .withRunAsUser(RUN_AS)
            .withRunAsGroup(RUN_AS)
            .withFsGroup(RUN_AS)
            .withNewSeccompProfile()
            .withType("RuntimeDefault")
            .endSeccompProfile()
            .endSecurityContext()
            .withContainers(
                new ContainerBuilder()
                    .withName("api")
                    .withImage(spec.api.image)
                    .addNewPort()
                    .withName("http")
                    .withContainerPort(HTTP_PORT)
                    .withProtocol("TCP")
                    .endPort()
                    .addNewPort()
                    .withName(MetricNames.SCRAPE_PORT_NAME)
                    .withContainerPort(METRICS_PORT)
                    .withProtocol("TCP")
                    .endPort()
                    .withEnv(env)
                    .withResources(
                        new ResourceRequirementsBuilder()
                            .withRequests(amounts(res.requests))
                            .withLimits(amounts(res.limits))
                            .build())
                    .withReadinessProbe(
                        probe(
                            rollout.healthCheckPath,
                            rollout.periodSeconds,
                            rollout.failureThreshold))
                    .withLivenessProbe(probe(LIVENESS_PATH, 10, 6))
                    .withStartupProbe(probe(LIVENESS_PATH, 5, 24))
                    .withNewSecurityContext()
                    .withAllowPrivilegeEscalation(false)
                    .withReadOnlyRootFilesystem(true)
                    .withNewCapabilities()
                    .withDrop("ALL")
                    .endCapabilities()
                    .endSecurityContext()
                    .addNewVolumeMount()
                    .withName("config")
                    .withMountPath(TenantConfigRenderer.MOUNT_DIR)
                    .withReadOnly(true)
                    .endVolumeMount()
                    .addNewVolumeMount()
                    .withName("tmp")
                    .withMountPath("/tmp")
                    .endVolumeMount()
                    .build())
            .addNewVolume()
            .withName("config")
            .withNewConfigMap()
            .withName(Labels.configName(t, configHash))
            .endConfigMap()
            .endVolume()
            .addNewVolume()
            .withName("tmp")
            .withNewEmptyDir()
            .endEmptyDir()
            .endVolume()
            .endSpec()
            .build();
    String revision = DesiredState.hash(template).substring(0, 10);
    template.getMetadata().getLabels().put(Labels.REVISION, revision);
    return new Template(template, revision);
  }

  /**
   * The Deployment running {@code template}; replicas, strategy and deadline come from the current
   * spec even when the template is a restored one.
   */
  public static Deployment deployment(KaleemTenant t, KaleemTenantSpec current, Template tpl) {
    KaleemTenantSpec.Rollout rollout = current.rollout;
    boolean hpa = autoscaled(current);
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(Labels.REVISION, tpl.revision());
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(Labels.apiName(t))
        .withLabels(Labels.common(t))
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .withReplicas(hpa ? null : current.api.replicas)
        .withNewSelector()
        .withMatchLabels(Labels.selector(t))
        .endSelector()
        .withProgressDeadlineSeconds(rollout.progressDeadlineSeconds)
        .withRevisionHistoryLimit(5)
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxUnavailable(new IntOrString(0))
        .withMaxSurge(new IntOrString("25%"))
        .endRollingUpdate()
        .endStrategy()
        .withTemplate(tpl.template())
        .endSpec()
        .build();
  }

  public static Service service(KaleemTenant t) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(Labels.apiName(t))
        .withLabels(Labels.common(t))
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(Labels.selector(t))
        .addNewPort()
        .withName("http")
        .withPort(80)
        .withTargetPort(new IntOrString("http"))
        .withProtocol("TCP")
        .endPort()
        .endSpec()
        .build();
  }

  public static boolean autoscaled(KaleemTenantSpec spec) {
    return spec.api.autoscaling.enabled;
  }

  public static HorizontalPodAutoscaler hpa(KaleemTenant t, KaleemTenantSpec spec) {
    KaleemTenantSpec.Autoscaling a = spec.api.autoscaling;
    return new HorizontalPodAutoscalerBuilder()
        .withNewMetadata()
        .withName(Labels.apiName(t))
        .withLabels(Labels.common(t))
        .endMetadata()
        .withNewSpec()
        .withNewScaleTargetRef()
        .withApiVersion("apps/v1")
        .withKind("Deployment")
        .withName(Labels.apiName(t))
        .endScaleTargetRef()
        .withMinReplicas(a.minReplicas)
        .withMaxReplicas(a.maxReplicas)
        .addNewMetric()
        .withType("Resource")
        .withNewResource()
        .withName("cpu")
        .withNewTarget()
        .withType("Utilization")
        .withAverageUtilization(a.targetCPUUtilizationPercentage)
        .endTarget()
        .endResource()
        .endMetric()
        .endSpec()
        .build();
  }

  public static HorizontalPodAutoscaler hpaRef(KaleemTenant t) {
    return new HorizontalPodAutoscalerBuilder()
        .withNewMetadata()
        .withName(Labels.apiName(t))
        .withNamespace(t.getMetadata().getNamespace())
        .endMetadata()
        .build();
  }

  public static PodDisruptionBudget pdb(KaleemTenant t) {
    return new PodDisruptionBudgetBuilder()
        .withNewMetadata()
        .withName(Labels.apiName(t))
        .withLabels(Labels.common(t))
        .endMetadata()
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withNewSelector()
        .withMatchLabels(Labels.selector(t))
        .endSelector()
        .endSpec()
        .build();
  }

  private static Probe probe(String path, int period, int failures) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString("http"))
        .endHttpGet()
        .withPeriodSeconds(period)
        .withFailureThreshold(failures)
        .withTimeoutSeconds(2)
        .build();
  }

  private static Map<String, Quantity> amounts(KaleemTenantSpec.Amounts a) {
    Map<String, Quantity> m = new LinkedHashMap<>();
    if (a != null && a.cpu != null) {
      m.put("cpu", new Quantity(a.cpu));
    }
    if (a != null && a.memory != null) {
      m.put("memory", new Quantity(a.memory));
    }
    return m;
  }
}
