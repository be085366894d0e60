package io.kaleem.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every container the chart runs (operator, dev backing services, the test hook) is non-root with a
 * read-only root filesystem, no privilege escalation, no capabilities and the RuntimeDefault
 * seccomp profile, and has CPU and memory requests and limits; long-running ones have probes.
 */
class WorkloadSecurityTest {

  record Workload(String name, PodSpec pod, boolean longRunning) {}

  @ParameterizedTest(name = "values: {0}")
  @NullSource
  @ValueSource(strings = {"values-dev.yaml", "values-staging.yaml", "values-production.yaml"})
  void everyContainerIsLockedDown(String valuesFile, @TempDir Path scratch) throws IOException {
    List<HasMetadata> objects =
        Chart.objects(
            Chart.templateWithHooks(
                scratch,
                t ->
                    (valuesFile == null ? t : t.withValuesFile(Chart.DIR.resolve(valuesFile)))
                        .set("tests.sampleTenant.enabled", "false")));
    List<Workload> workloads = workloads(objects);
    assertThat(workloads).extracting(Workload::name).contains("Deployment/kaleem-operator");
    assertThat(workloads).extracting(Workload::name).contains("Pod/kaleem-test");
    if ("values-dev.yaml".equals(valuesFile)) {
      assertThat(workloads)
          .extracting(Workload::name)
          .contains(
              "StatefulSet/kaleem-dev-mongodb",
              "StatefulSet/kaleem-dev-redis",
              "StatefulSet/kaleem-dev-rabbitmq");
    }
    for (Workload w : workloads) {
      PodSecurityContext pod = w.pod().getSecurityContext();
      assertThat(pod).as(w.name()).isNotNull();
      assertThat(pod.getRunAsNonRoot()).as(w.name()).isTrue();
      assertThat(pod.getRunAsUser()).as(w.name()).isPositive();
      assertThat(pod.getSeccompProfile().getType()).as(w.name()).isEqualTo("RuntimeDefault");
      List<Container> containers = new ArrayList<>(w.pod().getContainers());
      if (w.pod().getInitContainers() != null) {
        containers.addAll(w.pod().getInitContainers());
      }
      for (Container c : containers) {
        String what = w.name() + " container " + c.getName();
        SecurityContext sc = c.getSecurityContext();
        assertThat(sc).as(what).isNotNull();
        assertThat(sc.getRunAsNonRoot()).as(what).isTrue();
        assertThat(sc.getReadOnlyRootFilesystem()).as(what).isTrue();
        assertThat(sc.getAllowPrivilegeEscalation()).as(what).isFalse();
        assertThat(sc.getCapabilities().getDrop()).as(what).containsExactly("ALL");
        assertThat(sc.getCapabilities().getAdd()).as(what).isNullOrEmpty();
        assertThat(sc.getPrivileged()).as(what).isNotEqualTo(Boolean.TRUE);
        assertThat(sc.getSeccompProfile().getType()).as(what).isEqualTo("RuntimeDefault");
        Map<String, Quantity> req = c.getResources().getRequests();
        Map<String, Quantity> lim = c.getResources().getLimits();
        assertThat(req).as(what + " requests").containsKeys("cpu", "memory");
        assertThat(lim).as(what + " limits").containsKeys("cpu", "memory");
        for (String r : List.of("cpu", "memory")) {
          assertThat(Quantity.getAmountInBytes(req.get(r)))
              .as(what + " " + r + " request <= limit")
              .isLessThanOrEqualTo(Quantity.getAmountInBytes(lim.get(r)));
        }
        // A read-only root filesystem still needs a scratch directory (JVM, entrypoints, kubectl).
        assertThat(c.getVolumeMounts())
            .as(what + " writable /tmp")
            .anySatisfy(
                m -> {
                  assertThat(m.getMountPath()).isEqualTo("/tmp");
                  assertThat(
                          w.pod().getVolumes().stream()
                              .filter(v -> v.getName().equals(m.getName()))
                              .findFirst()
                              .orElseThrow()
                              .getEmptyDir())
                      .isNotNull();
                });
        if (w.longRunning()) {
          assertThat(c.getLivenessProbe()).as(what + " liveness").isNotNull();
          assertThat(c.getReadinessProbe()).as(what + " readiness").isNotNull();
        }
      }
      assertThat(w.pod().getHostNetwork()).as(w.name()).isNotEqualTo(Boolean.TRUE);
      assertThat(w.pod().getHostPID()).as(w.name()).isNotEqualTo(Boolean.TRUE);
    }
  }

  static List<Workload> workloads(List<HasMetadata> objects) {
    List<Workload> out = new ArrayList<>();
    for (Deployment d : Chart.all(objects, Deployment.class)) {
      out.add(
          new Workload(
              "Deployment/" + d.getMetadata().getName(),
              d.getSpec().getTemplate().getSpec(),
              true));
    }
    for (StatefulSet s : Chart.all(objects, StatefulSet.class)) {
      out.add(
          new Workload(
              "StatefulSet/" + s.getMetadata().getName(),
              s.getSpec().getTemplate().getSpec(),
              true));
    }
    for (Pod p : Chart.all(objects, Pod.class)) {
      out.add(new Workload("Pod/" + p.getMetadata().getName(), p.getSpec(), false));
    }
    return out;
  }
}
