package io.kaleem.contract;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kaleem.operator.resources.WorkloadResources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Runs the API container of a Deployment the way a kubelet runs a pod, as far as a test on one
 * machine can:
 *
 * <ul>
 *   <li><b>env</b>: plain values as given; {@code secretKeyRef}/{@code configMapKeyRef} resolved
 *       from the (mock) API server; a missing non-optional object or key means the container is not
 *       started at all (the kubelet's {@code CreateContainerConfigError});
 *   <li><b>filesystem</b>: a pod root directory; the image's files under it read-only, each
 *       ConfigMap volume written as files at its mount path, read-only; each {@code emptyDir} mount
 *       an empty directory, the only writable places. Container paths in plain env values (and the
 *       JVM's {@code /tmp}) are mapped to the pod root, since the process cannot be given its own
 *       root;
 *   <li><b>user</b>: as root the process runs as the pod's {@code runAsUser}/{@code runAsGroup}
 *       (util-linux {@code setpriv}), so the file modes really keep it out of the read-only parts;
 *       as another user the read-only parts are mode 555 and the test checks nothing appeared in
 *       them afterwards;
 *   <li><b>network</b>: the pod's network namespace is replaced by a free loopback port given to
 *       the container port ({@code SERVER_PORT}); probes address the container port by name or
 *       number and reach that port;
 *   <li><b>probes</b>: HTTP GET with the probe's timeout, 200-399 is success, retried every {@code
 *       periodSeconds} up to {@code failureThreshold} consecutive failures.
 * </ul>
 */
final class Kubelet {

  /**
   * The API image's entrypoint (the Deployment gives no command): the boot jar at {@code
   * /app/api.jar}, started by the image's {@code java}; JVM options come from {@code
   * JAVA_TOOL_OPTIONS} in the container's env.
   */
  static final List<String> IMAGE_ENTRYPOINT = List.of("java", "-jar", "/app/api.jar");

  static final String IMAGE_WORKDIR = "/app";

  /** The kubelet could not create the container (a Secret, ConfigMap or key is missing). */
  static final class CreateContainerConfigError extends RuntimeException {
    CreateContainerConfigError(String message) {
      super(message);
    }
  }

  /** A running (or exited) container. */
  static final class Running implements AutoCloseable {
    final Process process;
    final Path log;
    final int port;
    final Container container;
    final Map<Integer, Integer> ports;

    /** The read-only part of the pod's filesystem as laid out before the container started. */
    final TreeSet<String> readOnlyAtStart;

    Running(
        Process process,
        Path log,
        int port,
        Container container,
        Map<Integer, Integer> ports,
        TreeSet<String> readOnlyAtStart) {
      this.process = process;
      this.log = log;
      this.port = port;
      this.container = container;
      this.ports = ports;
      this.readOnlyAtStart = readOnlyAtStart;
    }

    String log() {
      try {
        return Files.readString(log, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String logTail() {
      String l = log();
      return l.length() <= 6000 ? l : l.substring(l.length() - 6000);
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(
            Duration.ofSeconds(30).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
          process.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private final KubernetesClient client;
  private final String namespace;
  private final PodSpec pod;
  private final Container container;
  private final Path root;
  private final Path bootJar;

  Kubelet(KubernetesClient client, Deployment d, Path root, Path bootJar) {
    this.client = client;
    this.namespace = d.getMetadata().getNamespace();
    this.pod = d.getSpec().getTemplate().getSpec();
    this.container = pod.getContainers().get(0);
    this.root = root;
    this.bootJar = bootJar;
  }

  Container container() {
    return container;
  }

  /** The container's env as the kubelet resolves it, in order (later entries win). */
  Map<String, String> resolveEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar e : container.getEnv()) {
      if (e.getValueFrom() == null) {
        env.put(e.getName(), e.getValue() == null ? "" : e.getValue());
        continue;
      }
      var s = e.getValueFrom().getSecretKeyRef();
      var c = e.getValueFrom().getConfigMapKeyRef();
      String value;
      boolean optional;
      if (s != null) {
        optional = Boolean.TRUE.equals(s.getOptional());
        value = secretValue(s.getName(), s.getKey(), optional);
      } else if (c != null) {
        optional = Boolean.TRUE.equals(c.getOptional());
        value = configMapValue(c.getName(), c.getKey(), optional);
      } else {
        throw new IllegalStateException("env " + e.getName() + ": unsupported valueFrom");
      }
      if (value != null) {
        env.put(e.getName(), value);
      }
    }
    return env;
  }

  private String secretValue(String name, String key, boolean optional) {
    Secret s = client.secrets().inNamespace(namespace).withName(name).get();
    Map<String, String> data = new LinkedHashMap<>();
    if (s != null && s.getData() != null) {
      s.getData()
          .forEach(
              (k, v) ->
                  data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    if (s != null && s.getStringData() != null) {
      data.putAll(s.getStringData());
    }
    return pick(s != null, data, "secret", name, key, optional);
  }

  private String configMapValue(String name, String key, boolean optional) {
    ConfigMap cm = client.configMaps().inNamespace(namespace).withName(name).get();
    return pick(
        cm != null,
        cm == null || cm.getData() == null ? Map.of() : cm.getData(),
        "configmap",
        name,
        key,
        optional);
  }

  private String pick(
      boolean exists,
      Map<String, String> data,
      String kind,
      String name,
      String key,
      boolean optional) {
    if (!exists) {
      if (optional) {
        return null;
      }
      throw new CreateContainerConfigError(kind + " \"" + name + "\" not found");
    }
    if (!data.containsKey(key)) {
      if (optional) {
        return null;
      }
      throw new CreateContainerConfigError(
          "couldn't find key " + key + " in " + kind + " " + namespace + "/" + name);
    }
    return data.get(key);
  }

  /** Lays out the pod's filesystem and starts the container with {@code env}. */
  Running start(Map<String, String> env) throws IOException {
    Map<String, Path> mounts = layOutFilesystem();
    // Stands in for the pod's own network namespace, where every container port is free: each
    // one gets its own free loopback port, told to the API through the variable that sets it.
    Map<Integer, Integer> ports = new LinkedHashMap<>();
    for (ContainerPort p : container.getPorts()) {
      ports.put(p.getContainerPort(), freePort());
    }
    Integer hostPort = ports.get(WorkloadResources.HTTP_PORT);
    Integer metricsPort = ports.get(WorkloadResources.METRICS_PORT);
    if (hostPort == null || metricsPort == null || ports.size() != 2) {
      throw new IllegalStateException(
          "the API container should expose the HTTP and metrics ports only: " + ports);
    }

    List<String> command = new ArrayList<>();
    List<String> cmd =
        container.getCommand() == null || container.getCommand().isEmpty()
            ? IMAGE_ENTRYPOINT
            : container.getCommand();
    if (runsAsRoot()) {
      // The pod's securityContext: its user and group, no supplementary groups.
      command.addAll(
          List.of(
              "setpriv",
              "--reuid=" + pod.getSecurityContext().getRunAsUser(),
              "--regid=" + pod.getSecurityContext().getRunAsGroup(),
              "--clear-groups",
              "--"));
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // The container's /tmp is an emptyDir; the JVM's own default temp directory is /tmp.
    command.add("-Djava.io.tmpdir=" + map("/tmp", mounts));
    for (String part : cmd.subList(1, cmd.size())) {
      command.add(map(part, mounts));
    }
    if (container.getArgs() != null) {
      container.getArgs().forEach(a -> command.add(map(a, mounts)));
    }

    ProcessBuilder pb = new ProcessBuilder(command);
    pb.directory(
        map(container.getWorkingDir() == null ? IMAGE_WORKDIR : container.getWorkingDir(), mounts)
            .transform(Path::of)
            .toFile());
    Map<String, String> penv = pb.environment();
    penv.clear();
    penv.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    penv.put("HOSTNAME", "souq-api-0");
    env.forEach((k, v) -> penv.put(k, map(v, mounts)));
    penv.put("SERVER_PORT", String.valueOf(hostPort));
    // kaleem.metrics.port (application.yml) is bound from this variable.
    penv.put("KALEEM_METRICS_PORT", String.valueOf(metricsPort));
    Path log = root.resolveSibling(root.getFileName() + ".log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    TreeSet<String> image = readOnlyContents();
    return new Running(pb.start(), log, hostPort, container, ports, image);
  }

  /** Files and directories of the pod root outside its emptyDir mounts, as relative paths. */
  TreeSet<String> readOnlyContents() throws IOException {
    List<Path> writable = new ArrayList<>();
    for (VolumeMount m : container.getVolumeMounts()) {
      if (volume(m.getName()).getEmptyDir() != null) {
        writable.add(root.resolve(m.getMountPath().substring(1)));
      }
    }
    TreeSet<String> out = new TreeSet<>();
    try (Stream<Path> all = Files.walk(root)) {
      all.filter(p -> writable.stream().noneMatch(w -> p.startsWith(w) && !p.equals(w)))
          .forEach(p -> out.add(root.relativize(p).toString()));
    }
    return out;
  }

  /**
   * Probes until success: {@code failureThreshold} consecutive failures, every {@code
   * periodSeconds}, fail it (the kubelet would restart the container, or never route to it).
   */
  void probe(String what, Probe p, Running r) throws InterruptedException {
    int port = port(p, r);
    String url = "http://127.0.0.1:" + port + p.getHttpGet().getPath();
    HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(p.getTimeoutSeconds())).build();
    if (p.getInitialDelaySeconds() != null && p.getInitialDelaySeconds() > 0) {
      Thread.sleep(p.getInitialDelaySeconds() * 1000L);
    }
    String last = "";
    for (int failures = 0; failures < p.getFailureThreshold(); ) {
      if (!r.process.isAlive()) {
        throw new AssertionError(
            what
                + " probe: the container exited with "
                + r.process.exitValue()
                + "\n"
                + r.logTail());
      }
      try {
        HttpResponse<String> res =
            http.send(
                HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(p.getTimeoutSeconds()))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() >= 200 && res.statusCode() < 400) {
          return;
        }
        last = "HTTP " + res.statusCode() + " " + res.body();
      } catch (IOException e) {
        last = e.toString();
      }
      failures++;
      Thread.sleep(p.getPeriodSeconds() * 1000L);
    }
    throw new AssertionError(
        what
            + " probe "
            + url
            + " failed "
            + p.getFailureThreshold()
            + " times in a row (last: "
            + last
            + ")\n"
            + r.logTail());
  }

  private int port(Probe p, Running r) {
    var target = p.getHttpGet().getPort();
    int containerPort;
    if (target.getIntVal() != null) {
      containerPort = target.getIntVal();
    } else {
      containerPort =
          container.getPorts().stream()
              .filter(cp -> target.getStrVal().equals(cp.getName()))
              .findFirst()
              .orElseThrow(
                  () -> new AssertionError("no container port named " + target.getStrVal()))
              .getContainerPort();
    }
    return r.ports.get(containerPort);
  }

  /** Creates the pod root: image files, ConfigMap volumes (read-only), emptyDirs (writable). */
  private Map<String, Path> layOutFilesystem() throws IOException {
    Map<String, Path> mounts = new LinkedHashMap<>();
    Path app = root.resolve(IMAGE_WORKDIR.substring(1));
    Files.createDirectories(app);
    Files.copy(bootJar, app.resolve("api.jar"));
    mounts.put(IMAGE_WORKDIR, app);
    List<Path> readOnly = new ArrayList<>(List.of(app.resolve("api.jar"), app));
    for (VolumeMount m : container.getVolumeMounts()) {
      Volume v = volume(m.getName());
      Path dir = root.resolve(m.getMountPath().substring(1));
      Files.createDirectories(dir);
      mounts.put(m.getMountPath(), dir);
      if (v.getConfigMap() != null) {
        ConfigMap cm =
            client.configMaps().inNamespace(namespace).withName(v.getConfigMap().getName()).get();
        if (cm == null) {
          throw new CreateContainerConfigError(
              "configmap \"" + v.getConfigMap().getName() + "\" not found");
        }
        for (var e : cm.getData().entrySet()) {
          Path f = dir.resolve(e.getKey());
          Files.writeString(f, e.getValue(), StandardCharsets.UTF_8);
          readOnly.add(f);
        }
        readOnly.add(dir);
      } else if (v.getEmptyDir() != null) {
        writable(dir);
      } else {
        throw new IllegalStateException("volume " + v.getName() + ": unsupported kind");
      }
    }
    // Every directory between the root and a mount: part of the image, read-only.
    try (Stream<Path> all = Files.walk(root)) {
      all.filter(Files::isDirectory).filter(d -> !mounts.containsValue(d)).forEach(readOnly::add);
    }
    readOnly.sort(Comparator.comparing(Path::getNameCount).reversed());
    for (Path p : readOnly) {
      Files.setPosixFilePermissions(
          p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "r-xr-xr-x" : "r--r--r--"));
    }
    return mounts;
  }

  /** Writable by the pod's user: owned by it (as root), group fsGroup, like an emptyDir. */
  private void writable(Path dir) throws IOException {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    if (runsAsRoot()) {
      Files.setAttribute(dir, "unix:uid", pod.getSecurityContext().getRunAsUser().intValue());
      Files.setAttribute(dir, "unix:gid", pod.getSecurityContext().getFsGroup().intValue());
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
    }
  }

  private Volume volume(String name) {
    return pod.getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }

  /**
   * A container path, or a value holding one after a ':' (such as {@code
   * optional:file:/etc/kaleem/application.properties}), mapped into the pod root: once, by the
   * longest mount path that contains it.
   */
  private static String map(String value, Map<String, Path> mounts) {
    List<String> paths = new ArrayList<>(mounts.keySet());
    paths.sort(Comparator.comparing(String::length).reversed());
    for (String m : paths) {
      if (value.equals(m) || value.startsWith(m + "/")) {
        return mounts.get(m) + value.substring(m.length());
      }
    }
    for (String m : paths) {
      int i = value.indexOf(":" + m + "/");
      if (i >= 0) {
        return value.substring(0, i + 1) + mounts.get(m) + value.substring(i + 1 + m.length());
      }
    }
    return value;
  }

  static boolean runsAsRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
