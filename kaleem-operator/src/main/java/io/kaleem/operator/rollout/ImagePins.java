package io.kaleem.operator.rollout;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Images resolved to the digests the cluster reports for them. A tag is a movable name: the bytes
 * behind {@code api:1.0.0} today may not be the bytes that ran when the revision was judged good.
 * The kubelet reports what it actually pulled in {@code status.containerStatuses[].imageID}
 * (https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#PodStatus), as
 * {@code <repo>@sha256:<digest>} (containerd, CRI-O) or {@code docker-pullable://<repo>@sha256:...}
 * (dockershim). A snapshot pins each container to that digest, so a rollback deploys {@code
 * <repo>@sha256:<digest>} as recorded and never lets the registry re-resolve the tag.
 *
 * <p>A container is pinned only when every ready pod of the revision reports the same repository
 * digest; an image ID without one (a bare {@code sha256:<config digest>}, which is not pullable) or
 * ready pods that disagree (the tag moved during the rollout) leave that container on its tag: then
 * no single digest is "what ran", and the tag is no worse than a guess.
 */
public final class ImagePins {

  private static final Pattern DIGEST = Pattern.compile("@(sha256:[0-9a-f]{64})$");

  private ImagePins() {}

  /** Container name to the digest ({@code sha256:...}) every ready pod of the list reports. */
  public static Map<String, String> of(List<Pod> pods) {
    Map<String, String> pins = new TreeMap<>();
    Set<String> ambiguous = new HashSet<>();
    for (Pod p : pods) {
      if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
        continue;
      }
      for (ContainerStatus c : p.getStatus().getContainerStatuses()) {
        if (!Boolean.TRUE.equals(c.getReady()) || c.getImageID() == null) {
          continue;
        }
        Optional<String> digest = digest(c.getImageID());
        if (digest.isEmpty()) {
          ambiguous.add(c.getName());
          continue;
        }
        String before = pins.putIfAbsent(c.getName(), digest.get());
        if (before != null && !before.equals(digest.get())) {
          ambiguous.add(c.getName());
        }
      }
    }
    pins.keySet().removeAll(ambiguous);
    return pins;
  }

  /** The repository digest in an image ID, if it names one. */
  static Optional<String> digest(String imageId) {
    var m = DIGEST.matcher(imageId);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /**
   * {@code template} with each pinned container's image replaced by {@code <repository>@<digest>};
   * the repository is the one the template names (the digest identifies the content in it), and an
   * image that already names a digest is left as written.
   */
  public static PodTemplateSpec pin(PodTemplateSpec template, Map<String, String> pins) {
    if (template.getSpec() == null || template.getSpec().getContainers() == null) {
      return template;
    }
    for (Container c : template.getSpec().getContainers()) {
      String digest = pins.get(c.getName());
      if (digest != null && c.getImage() != null && !c.getImage().contains("@")) {
        c.setImage(repository(c.getImage()) + "@" + digest);
      }
    }
    return template;
  }

  /**
   * The image reference without its tag ({@code host:5000/a/b:1.0} gives {@code host:5000/a/b}).
   */
  static String repository(String image) {
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    return colon > slash ? image.substring(0, colon) : image;
  }
}
