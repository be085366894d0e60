package io.kaleem.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kaleem.crds.config.ApiEnv;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.mockapi.ServerSideApplyCrudDispatcher;
import io.kaleem.operator.KaleemOperator;
import io.kaleem.operator.OperatorSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The contract between the operator and the API pod, run for real on both sides: the operator
 * renders {@code crds/samples/tenant-full.yaml} against the fabric8 mock API server (holding the
 * tenant's Secrets and ConfigMap), and the packaged API jar is started from that Deployment as a
 * kubelet would ({@link Kubelet}): env resolved from the Secrets, the rendered ConfigMap mounted, a
 * read-only filesystem but for the emptyDir, the pod's user, its probes. The API runs the {@code
 * prod} profile against the in-process MongoDB-wire server (the Secret's URI) and the real Redis on
 * 127.0.0.1:6379 (the Secret's URL).
 */
class OperatorRenderedPodTest {

  static final String NS = "shops";
  static final String TENANT = "souq";

  /** The signed-in user: new each run, so its rate-limit keys in the shared Redis are its own. */
  static final String SUBJECT = UUID.randomUUID().toString().replace("-", "").substring(0, 24);

  static KubernetesMockServer server;
  static KubernetesClient client;
  static KaleemOperator operator;
  static MongoServer mongo;
  static ECKey signingKey;
  static KaleemTenant tenant;
  static Deployment deployment;

  @TempDir static Path dir;

  @BeforeAll
  static void operatorRendersTheSampleTenant() throws Exception {
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new ServerSideApplyCrudDispatcher(),
            false);
    server.init();
    client = server.createClient();
    try (InputStream in = Files.newInputStream(repo("crds/kaleemtenants.kaleem.io-v1.yml"))) {
      client.apiextensions().v1().customResourceDefinitions().load(in).create();
    }
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    mongo = new MongoServer(new MemoryBackend());
    String mongoUri = mongo.bindAndGetConnectionString();
    signingKey =
        new ECKeyGenerator(Curve.P_256).keyID("souq-2026-11").keyUse(KeyUse.SIGNATURE).generate();

    // The tenant's Secrets and ConfigMap, named by the sample; values only here, never in it.
    secret("souq-mongo", Map.of("uri", mongoUri));
    secret("souq-jwt", Map.of("jwks.json", new JWKSet(signingKey).toString(false)));
    secret("souq-redis", Map.of("url", "redis://127.0.0.1:6379"));
    secret("souq-rabbitmq", Map.of("url", "amqp://guest:guest@127.0.0.1:5672"));
    client
        .configMaps()
        .inNamespace(NS)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("souq-web")
                .endMetadata()
                .withData(Map.of("allowed-origins", "https://souq.example.com"))
                .build())
        .create();

    operator = new KaleemOperator(client, settings());
    operator.start();
    try (InputStream in = Files.newInputStream(repo("crds/samples/tenant-full.yaml"))) {
      client
          .resources(KaleemTenant.class)
          .resource(Serialization.unmarshal(in, KaleemTenant.class))
          .create();
    }
    deployment = awaitDeployment();
    tenant = client.resources(KaleemTenant.class).inNamespace(NS).withName(TENANT).get();
  }

  @AfterAll
  static void down() {
    if (operator != null) {
      operator.close();
    }
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.destroy();
    }
    if (mongo != null) {
      mongo.shutdownNow();
    }
  }

  @Test
  void theRenderedPodStartsPassesItsProbesAndServesASignedInRequest() throws Exception {
    Kubelet kubelet = kubelet("ok");
    Map<String, String> env = kubelet.resolveEnv();
    assertThat(env)
        .containsEntry(ApiEnv.PROFILES, "prod")
        .containsEntry("KALEEM_CORS_ALLOWED_ORIGINS", "https://souq.example.com")
        .containsKeys(
            ApiEnv.MONGODB_URI,
            ApiEnv.JWT_JWKS,
            ApiEnv.CURSOR_SECRET,
            ApiEnv.REDIS_URL,
            ApiEnv.AMQP_ADDRESSES);
    TreeSet<String> before;
    try (Kubelet.Running pod = kubelet.start(env)) {
      before = pod.readOnlyAtStart;
      kubelet.probe("startup", pod.container.getStartupProbe(), pod);
      kubelet.probe("readiness", pod.container.getReadinessProbe(), pod);
      kubelet.probe("liveness", pod.container.getLivenessProbe(), pod);

      // Signed in with the key the test put in the Secret, for the issuer and audience the
      // operator rendered into the mounted file: 200 proves the file was imported and the keys
      // came from the Secret.
      String issuer = tenant.getSpec().security.jwt.issuer;
      String audience = tenant.getSpec().security.jwt.audience;
      HttpResponse<String> ok = get(pod, "/api/v1/merchants", mint(issuer, audience));
      assertThat(ok.statusCode()).as(ok.body() + "\n" + pod.logTail()).isEqualTo(200);
      assertThat(ok.body()).contains("\"data\"");
      // Its rate limit was taken from the shared Redis the Secret's URL names, under the tenant's
      // key prefix (rl:<tenant id from the mounted file>).
      assertThat(redisKeys("rl:souq:user:" + SUBJECT + ":*"))
          .as("rate-limit buckets in Redis at 127.0.0.1:6379 (make services-up starts it)")
          .isNotEmpty();
      // The API's built-in issuer is not this tenant's: refused.
      assertThat(
              get(pod, "/api/v1/merchants", mint("https://api.kaleem.local", audience))
                  .statusCode())
          .isEqualTo(401);

      assertThat(pod.log())
          .contains("The following 1 profile is active: \\\"prod\\\"")
          .contains("Kaleem API ready for tenant 'souq'")
          .doesNotContain("demo sign-in")
          .doesNotContain(signingKey.getD().toString());
    }
    assertThat(kubelet.readOnlyContents())
        .as("the API wrote nothing outside its emptyDir")
        .isEqualTo(before);
  }

  @Test
  void aMissingSecretKeyKeepsTheContainerFromBeingCreated() throws Exception {
    Kubelet kubelet = kubelet("nokey");
    secret("souq-rabbitmq", Map.of("uri", "amqp://guest:guest@127.0.0.1:5672"));
    try {
      assertThatThrownBy(kubelet::resolveEnv)
          .isInstanceOf(Kubelet.CreateContainerConfigError.class)
          .hasMessage("couldn't find key url in secret shops/souq-rabbitmq");
    } finally {
      secret("souq-rabbitmq", Map.of("url", "amqp://guest:guest@127.0.0.1:5672"));
    }
  }

  /**
   * A required value the API gets empty (a Secret key edited to nothing after the operator checked
   * it: the kubelet passes it on) stops the API at start-up with a message naming it.
   */
  @ParameterizedTest
  @CsvSource({
    "KALEEM_JWT_JWKS, kaleem.security.jwt.jwk-set is required",
    "MONGODB_URI, MONGODB_URI (spring.mongodb.uri) is required with the 'prod' profile",
    "KALEEM_PAGINATION_CURSOR_SECRET, 'Property: kaleem.pagination.cursorSecret'"
  })
  void anEmptyRequiredSecretValueStopsTheApiWithAClearError(String variable, String message)
      throws Exception {
    Kubelet kubelet = kubelet("empty-" + variable.toLowerCase());
    Map<String, String> env = kubelet.resolveEnv();
    env.put(variable, "");
    try (Kubelet.Running pod = kubelet.start(env)) {
      assertThat(pod.process.waitFor(3, TimeUnit.MINUTES))
          .as("the API should refuse to start\n" + pod.logTail())
          .isTrue();
      assertThat(pod.process.exitValue()).isNotZero();
      assertThat(pod.log()).contains(message);
    }
  }

  private static Kubelet kubelet(String name) throws IOException {
    Path root = dir.resolve(name);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createDirectories(root);
    return new Kubelet(client, deployment, root, bootJar());
  }

  private static HttpResponse<String> get(Kubelet.Running pod, String path, String token)
      throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pod.port + path))
                .header("Authorization", "Bearer " + token)
                .header("X-Forwarded-For", "203.0.113.7")
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** A platform admin's access token, as the API's own issuer would sign it. */
  private static String mint(String issuer, String audience) throws Exception {
    Instant now = Instant.now();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .audience(audience)
            .subject(SUBJECT)
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
            .jwtID(UUID.randomUUID().toString())
            .claim("roles", List.of("PLATFORM_ADMIN"))
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID(signingKey.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            claims);
    jwt.sign(new ECDSASigner(signingKey));
    return jwt.serialize();
  }

  /** KEYS over the Redis protocol (RESP); the pattern is narrow, the result a few keys. */
  private static List<String> redisKeys(String pattern) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", 6379)) {
      byte[] p = pattern.getBytes(StandardCharsets.UTF_8);
      socket
          .getOutputStream()
          .write(
              ("*2\r\n$4\r\nKEYS\r\n$" + p.length + "\r\n" + pattern + "\r\n")
                  .getBytes(StandardCharsets.UTF_8));
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String header = in.readLine();
      if (header == null || !header.startsWith("*")) {
        throw new IOException("unexpected Redis reply: " + header);
      }
      List<String> keys = new java.util.ArrayList<>();
      for (int i = Integer.parseInt(header.substring(1)); i > 0; i--) {
        in.readLine(); // $<length>
        keys.add(in.readLine());
      }
      return keys;
    }
  }

  private static void secret(String name, Map<String, String> data) {
    client
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withStringData(data)
                .build())
        .createOr(r -> r.update());
  }

  private static Deployment awaitDeployment() throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      Deployment d = client.apps().deployments().inNamespace(NS).withName(TENANT + "-api").get();
      if (d != null) {
        return d;
      }
      Thread.sleep(100);
    }
    KaleemTenant t = client.resources(KaleemTenant.class).inNamespace(NS).withName(TENANT).get();
    throw new AssertionError(
        "the operator rendered no Deployment for the sample; status: "
            + Serialization.asJson(t.getStatus()));
  }

  private static OperatorSettings settings() {
    return new OperatorSettings(
        java.util.Set.of(),
        0,
        null,
        "kaleem-operator-leader",
        Duration.ofMinutes(5),
        Duration.ofSeconds(2),
        Duration.ofMillis(200),
        Duration.ofSeconds(2),
        Duration.ofSeconds(5),
        Duration.ofMinutes(1),
        Duration.ofMinutes(10),
        2);
  }

  /** A file of this repository, from the module directory Maven runs the tests in. */
  static Path repo(String file) {
    Path p = Path.of("..").resolve(file);
    if (!Files.exists(p)) {
      throw new IllegalStateException(file + " not found from " + Path.of("").toAbsolutePath());
    }
    return p;
  }

  /** The packaged API (Spring Boot's executable jar), built by api-service's package phase. */
  static Path bootJar() throws IOException {
    Path target = Path.of("../api-service/target");
    if (Files.isDirectory(target)) {
      try (Stream<Path> files = Files.list(target)) {
        var jar =
            files
                .filter(p -> p.getFileName().toString().matches("kaleem-api-service-.*\\.jar"))
                .filter(OperatorRenderedPodTest::isBootJar)
                .findFirst();
        if (jar.isPresent()) {
          return jar.get();
        }
      }
    }
    throw new IllegalStateException(
        "The API's boot jar is not under "
            + target.toAbsolutePath().normalize()
            + ": package it first (./mvnw verify does; alone: ./mvnw -pl api-service -am package"
            + " -DskipTests)");
  }

  private static boolean isBootJar(Path jar) {
    try (var zip = new java.util.zip.ZipFile(jar.toFile())) {
      return zip.getEntry("BOOT-INF/classes/") != null || zip.getEntry("BOOT-INF/lib/") != null;
    } catch (IOException e) {
      return false;
    }
  }
}
