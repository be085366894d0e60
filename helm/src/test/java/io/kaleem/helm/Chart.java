package io.kaleem.helm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The chart under test, driven through helm-java: the Helm Go library in-process, so lint and
 * template behave exactly as the helm CLI of that version does, offline and without a cluster.
 */
final class Chart {

  /** The chart, relative to this module (the tests run with helm/ as working directory). */
  static final Path DIR = Path.of("kaleem");

  static final Path REPO = Path.of("..");

  static final String RELEASE = "kaleem";
  static final String NAMESPACE = "kaleem-system";

  /** helm-java's library defaults to Kubernetes 1.20, below the chart's kubeVersion. */
  static final String KUBE_VERSION = "1.31.0";

  static final List<String> VALUES_FILES =
      List.of("values-dev.yaml", "values-staging.yaml", "values-production.yaml");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** fabric8's model mapper (Serialization.unmarshal's non-deprecated form). */
  static final KubernetesSerialization KUBE = new KubernetesSerialization();

  private Chart() {}

  /**
   * {@code helm template kaleem helm/kaleem -n kaleem-system [options]}: the release manifest
   * (helm-java returns neither hooks nor crds/; see {@link #templateWithHooks} and CrdTest).
   */
  static String template(UnaryOperator<TemplateCommand> options) {
    return render(DIR, options);
  }

  /**
   * Renders hooks too. helm-java returns the release manifest only (no hooks, no crds/), so this
   * renders a copy of the chart whose {@code helm.sh/hook} annotations are removed: the hook
   * objects then come out as plain manifests, exactly as `helm template` would print them.
   */
  static String templateWithHooks(Path scratch, UnaryOperator<TemplateCommand> options)
      throws IOException {
    Path copy = scratch.resolve("kaleem");
    copyTree(DIR, copy);
    try (Stream<Path> files = Files.walk(copy.resolve("templates"))) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(p) && p.toString().endsWith(".yaml")) {
          String kept =
              String.join(
                  "\n",
                  Files.readAllLines(p).stream()
                      .filter(l -> !l.strip().startsWith("helm.sh/hook:"))
                      .toList());
          Files.writeString(p, kept + "\n");
        }
      }
    }
    return render(copy, options);
  }

  private static String render(Path chart, UnaryOperator<TemplateCommand> options) {
    return options
        .apply(
            new Helm(chart)
                .template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION))
        .call();
  }

  static String template(String valuesFile) {
    return template(t -> valuesFile == null ? t : t.withValuesFile(DIR.resolve(valuesFile)));
  }

  /**
   * {@code helm lint --strict -f <valuesFile>}. helm-java's lint takes no values files, so the
   * chart is copied and its values.yaml replaced by the merge Helm itself would compute (maps
   * merged key by key, the override file winning; lists and scalars replaced).
   */
  static LintResult lint(Path valuesFile, Path scratch) throws IOException {
    Path copy = scratch.resolve("kaleem");
    copyTree(DIR, copy);
    if (valuesFile != null) {
      Map<String, Object> merged =
          merge(readYaml(DIR.resolve("values.yaml")), readYaml(valuesFile));
      YAML.writeValue(copy.resolve("values.yaml").toFile(), merged);
    }
    return new Helm(copy).lint().strict().call();
  }

  /** Every document of a rendered stream as a typed fabric8 object. */
  static List<HasMetadata> objects(String rendered) {
    List<HasMetadata> out = new ArrayList<>();
    for (String doc : documents(rendered)) {
      Object o = KUBE.unmarshal(doc);
      if (!(o instanceof HasMetadata h)) {
        throw new AssertionError("not a Kubernetes object:\n" + doc);
      }
      out.add(h);
    }
    return out;
  }

  /** The YAML documents of a stream, without empty ones (Helm emits comment-only documents). */
  static List<String> documents(String rendered) {
    List<String> docs = new ArrayList<>();
    for (String d : rendered.split("(?m)^---\\s*$")) {
      boolean content = d.lines().anyMatch(l -> !l.isBlank() && !l.stripLeading().startsWith("#"));
      if (content) {
        docs.add(d);
      }
    }
    return docs;
  }

  static <T extends HasMetadata> List<T> all(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type, String name) {
    List<T> found =
        all(objects, type).stream().filter(o -> o.getMetadata().getName().equals(name)).toList();
    if (found.size() != 1) {
      throw new AssertionError(
          "expected one " + type.getSimpleName() + " " + name + ", found " + found.size());
    }
    return found.get(0);
  }

  static String appVersion() {
    return (String) readYaml(DIR.resolve("Chart.yaml")).get("appVersion");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> readYaml(Path p) {
    try {
      Map<String, Object> m = YAML.readValue(p.toFile(), LinkedHashMap.class);
      return m == null ? new LinkedHashMap<>() : m;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> override) {
    Map<String, Object> out = new LinkedHashMap<>(base);
    override.forEach(
        (k, v) -> {
          Object b = out.get(k);
          if (b instanceof Map<?, ?> bm && v instanceof Map<?, ?> vm) {
            out.put(k, merge((Map<String, Object>) bm, (Map<String, Object>) vm));
          } else {
            out.put(k, v);
          }
        });
    return out;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
