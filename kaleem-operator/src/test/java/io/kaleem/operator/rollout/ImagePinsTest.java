package io.kaleem.operator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Digest pinning of snapshots, and which running images a snapshot keeps. */
class ImagePinsTest {

  static final String D1 = "sha256:" + "1".repeat(64);
  static final String D2 = "sha256:" + "2".repeat(64);

  static Pod pod(boolean ready, String imageId) {
    return new PodBuilder()
        .withNewStatus()
        .addNewContainerStatus()
        .withName("api")
        .withReady(ready)
        .withImageID(imageId)
        .endContainerStatus()
        .endStatus()
        .build();
  }

  static PodTemplateSpec template(String rev, String image) {
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .addToLabels("kaleem.io/revision", rev)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("api")
        .withImage(image)
        .endContainer()
        .endSpec()
        .build();
  }

  static Deployment running(String rev, String image) {
    return new DeploymentBuilder()
        .withNewSpec()
        .withTemplate(template(rev, image))
        .endSpec()
        .build();
  }

  static String image(Snapshot s) {
    return s.template().getSpec().getContainers().get(0).getImage();
  }

  @Test
  void pinsWhatEveryReadyPodReports() {
    assertThat(
            ImagePins.of(
                List.of(
                    pod(true, "ghcr.io/kaleem/api@" + D1),
                    pod(true, "docker-pullable://ghcr.io/kaleem/api@" + D1),
                    pod(false, "ghcr.io/kaleem/api@" + D2))))
        .as("not-ready pods do not count")
        .containsExactly(Map.entry("api", D1));
  }

  @Test
  void leavesTheTagWhenPodsDisagreeOrReportNoRepositoryDigest() {
    assertThat(
            ImagePins.of(
                List.of(
                    pod(true, "ghcr.io/kaleem/api@" + D1), pod(true, "ghcr.io/kaleem/api@" + D2))))
        .as("the tag moved during the rollout")
        .isEmpty();
    assertThat(ImagePins.of(List.of(pod(true, D1))))
        .as("a bare image ID is not pullable")
        .isEmpty();
  }

  @Test
  void pinsTheRepositoryTheTemplateNames() {
    Snapshot s =
        new Snapshot("r1", "cfg", template("r1", "registry:5000/kaleem/api:1.0.0"))
            .pinned(Map.of("api", D1));
    assertThat(image(s)).isEqualTo("registry:5000/kaleem/api@" + D1);
    assertThat(s.renderedImages()).containsEntry("api", "registry:5000/kaleem/api:1.0.0");
    Snapshot already =
        new Snapshot("r1", "cfg", template("r1", "ghcr.io/kaleem/api@" + D2))
            .pinned(Map.of("api", D1));
    assertThat(image(already)).as("a digest written in the spec stays").endsWith(D2);
  }

  @Test
  void keepsTheRunningImageOfTheSameRevisionOnlyWhenItIsThatRevisions() {
    Snapshot tag = new Snapshot("r1", "cfg", template("r1", "ghcr.io/kaleem/api:1.0.0"));
    Snapshot pinned = tag.pinned(Map.of("api", D1));
    // An operator upgrade keeps the stored (pinned) snapshot; the Deployment runs the tag.
    assertThat(image(pinned.keepingImagesOf(running("r1", "ghcr.io/kaleem/api:1.0.0"))))
        .isEqualTo("ghcr.io/kaleem/api:1.0.0");
    // After a rollback the Deployment runs the digest; the spec, back at that revision, renders
    // the tag.
    assertThat(image(tag.keepingImagesOf(running("r1", "ghcr.io/kaleem/api@" + D1))))
        .isEqualTo("ghcr.io/kaleem/api@" + D1);
    // A hand edit is put back; another revision is simply replaced.
    assertThat(image(pinned.keepingImagesOf(running("r1", "evil:latest"))))
        .isEqualTo("ghcr.io/kaleem/api@" + D1);
    assertThat(image(tag.keepingImagesOf(running("r1", "ghcr.io/kaleem/api:6.6.6"))))
        .isEqualTo("ghcr.io/kaleem/api:1.0.0");
    assertThat(image(pinned.keepingImagesOf(running("r0", "ghcr.io/kaleem/api:0.9.0"))))
        .isEqualTo("ghcr.io/kaleem/api@" + D1);
  }
}
