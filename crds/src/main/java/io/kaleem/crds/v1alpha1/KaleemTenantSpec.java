package io.kaleem.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/**
 * Desired state of a tenant. Plain Java types only (no fabric8 model types in fields), so the API
 * can read a spec through {@code TenantConfigRenderer} without fabric8 on its classpath. Field
 * initialisers are the defaults; the same values are declared in the CRD schema with
 * {@code @Default} so {@code kubectl get -o yaml} shows them.
 */
public class KaleemTenantSpec {

  /** A DNS-1123 label. */
  public static final String NAME_PATTERN = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$";

  /** Spring Boot duration with a unit: 500ms, 60s, 2m, 1h, 1d. */
  public static final String DURATION_PATTERN = "^[0-9]{1,9}(ms|s|m|h|d)$";

  /** A ratio between 0 and 1 written as a decimal: 0.05, 0.70, 1. */
  public static final String RATIO_PATTERN = "^(0(\\.[0-9]{1,6})?|1(\\.0{1,6})?)$";

  /** An OCI image reference: [registry[:port]/]path[:tag][@sha256:digest]. */
  public static final String IMAGE_PATTERN =
      "^(([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(:[0-9]{1,5})?/)?"
          + "[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*"
          + "(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$";

  /** A Kubernetes object name (DNS-1123 subdomain). */
  public static final String OBJECT_NAME_PATTERN = "^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$";

  /** A Secret or ConfigMap data key. */
  public static final String KEY_PATTERN = "^[-._a-zA-Z0-9]{1,253}$";

  /** The JWK set's Secret when {@code security.jwt.jwkSetSecretRef} is not given. */
  public static final String JWT_SECRET_SUFFIX = "-jwt";

  public static final String JWT_SECRET_KEY = "jwks.json";

  public static final String DEFAULT_JWT_ISSUER = "https://api.kaleem.local";
  public static final String DEFAULT_JWT_AUDIENCE = "kaleem-api";

  /** Kubernetes resource quantity (cpu or memory). */
  public static final String QUANTITY_PATTERN = "^[0-9]+(\\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti)?$";

  /**
   * This spec with every unset field at its default: the one place defaults come from (the field
   * initialisers, which the CRD schema's {@code @Default}s repeat for {@code kubectl}). A field or
   * section left out, or written as null, reads as a fresh object's value; sections that are off
   * unless given ({@code redis}, {@code messaging}, {@code rollout.analysis}) stay null. Returns a
   * copy; this object is not changed. Idempotent.
   */
  public KaleemTenantSpec withDefaults() {
    return Defaults.fill(this);
  }

  @Required
  @Pattern(NAME_PATTERN)
  @JsonPropertyDescription("Commercial plan of the tenant (e.g. starter, growth, enterprise).")
  public String plan;

  @Required
  @JsonPropertyDescription("The tenant's API deployment.")
  public Api api = new Api();

  @Required
  @JsonPropertyDescription("The tenant's MongoDB database and indexes.")
  public Database database = new Database();

  @JsonPropertyDescription(
      "Token settings of the API; its signing keys come from a Secret (default <tenant>-jwt).")
  public Security security = new Security();

  @JsonPropertyDescription(
      "The Redis the API shares rate limits (and its L2 cache) through; its URL, credentials"
          + " included, comes from a Secret. Absent: each replica limits on its own.")
  public Redis redis;

  @JsonPropertyDescription(
      "The RabbitMQ broker for domain events; its AMQP URL, credentials included, comes from a"
          + " Secret.")
  public Messaging messaging;

  @JsonPropertyDescription("L1 (in-process) and L2 (Redis) cache settings and cache warming.")
  public Cache cache = new Cache();

  @JsonPropertyDescription("SLO thresholds; they become the tenant's alert rules.")
  public Monitoring monitoring = new Monitoring();

  @JsonPropertyDescription("How a new revision is judged and rolled back.")
  public Rollout rollout = new Rollout();

  @Default("Retain")
  @JsonPropertyDescription(
      "Retain (default): deleting the tenant never drops data. Delete: the operator drops the"
          + " tenant database when the tenant is deleted.")
  public DeletionPolicy deletionPolicy = DeletionPolicy.Retain;

  public enum DeletionPolicy {
    Retain,
    Delete
  }

  public enum UnmanagedIndexPolicy {
    Report,
    Drop
  }

  /** How a new revision reaches production traffic. */
  public enum Strategy {
    /** The Deployment's rolling update: new pods join the Service as they become ready. */
    RollingUpdate,
    /**
     * The new revision runs beside the old one behind a preview Service and is judged with no
     * production traffic; the tenant Service's selector switches only after it passed.
     */
    BlueGreen
  }

  public enum WarmingTarget {
    plans,
    categories,
    products
  }

  public static class Api {
    @Required
    @Pattern(IMAGE_PATTERN)
    @JsonPropertyDescription("Container image of the Kaleem API.")
    public String image;

    @Default("2")
    @Min(0)
    @Max(100)
    @JsonPropertyDescription("Replicas when autoscaling is disabled.")
    public Integer replicas = 2;

    public Autoscaling autoscaling = new Autoscaling();

    public Resources resources = new Resources();

    @JsonPropertyDescription(
        "Extra environment variables for the API container: a plain value, or valueFrom a Secret"
            + " or ConfigMap key.")
    public List<EnvVar> env = new ArrayList<>();
  }

  @ValidationRule(
      value = "!self.enabled || self.minReplicas <= self.maxReplicas",
      message = "autoscaling.minReplicas must not exceed autoscaling.maxReplicas")
  public static class Autoscaling {
    @Default("true")
    public Boolean enabled = true;

    @Default("2")
    @Min(1)
    @Max(100)
    public Integer minReplicas = 2;

    @Default("10")
    @Min(1)
    @Max(100)
    public Integer maxReplicas = 10;

    @Default("70")
    @Min(1)
    @Max(100)
    public Integer targetCPUUtilizationPercentage = 70;
  }

  public static class Resources {
    public Amounts requests = new Amounts("250m", "512Mi");
    public Amounts limits = new Amounts("1", "1Gi");
  }

  public static class Amounts {
    @Pattern(QUANTITY_PATTERN)
    public String cpu;

    @Pattern(QUANTITY_PATTERN)
    public String memory;

    public Amounts() {}

    public Amounts(String cpu, String memory) {
      this.cpu = cpu;
      this.memory = memory;
    }
  }

  @ValidationRule(
      value = "has(self.value) != has(self.valueFrom)",
      message = "an env entry has either value or valueFrom")
  public static class EnvVar {
    @Required
    @Pattern("^[A-Za-z_][A-Za-z0-9_]*$")
    public String name;

    @JsonPropertyDescription("A plain value; never a secret (use valueFrom.secretKeyRef).")
    public String value;

    @JsonPropertyDescription("The value from a key of a Secret or ConfigMap in the namespace.")
    public EnvVarSource valueFrom;

    public EnvVar() {}

    public EnvVar(String name, String value) {
      this.name = name;
      this.value = value;
    }
  }

  @ValidationRule(
      value = "has(self.secretKeyRef) != has(self.configMapKeyRef)",
      message = "valueFrom has exactly one of secretKeyRef and configMapKeyRef")
  public static class EnvVarSource {
    public KeySelector secretKeyRef;
    public KeySelector configMapKeyRef;
  }

  /** A key of a Secret or ConfigMap, as in a Kubernetes container's env. */
  public static class KeySelector {
    @Required
    @Pattern(OBJECT_NAME_PATTERN)
    public String name;

    @Required
    @Pattern(KEY_PATTERN)
    public String key;

    @Default("false")
    @JsonPropertyDescription(
        "true: the variable is left unset when the object or key is missing; false: the operator"
            + " refuses to roll out until it exists.")
    public Boolean optional = false;

    public KeySelector() {}

    public KeySelector(String name, String key) {
      this.name = name;
      this.key = key;
    }
  }

  /** A key of a Secret in the tenant's namespace. */
  public static class SecretKeySelector {
    @Required
    @Pattern(OBJECT_NAME_PATTERN)
    public String name;

    @Required
    @Pattern(KEY_PATTERN)
    public String key;

    public SecretKeySelector() {}

    public SecretKeySelector(String name, String key) {
      this.name = name;
      this.key = key;
    }
  }

  public static class Security {
    public Jwt jwt = new Jwt();
  }

  public static class Jwt {
    @Default(DEFAULT_JWT_ISSUER)
    @Pattern("^\\S{1,255}$")
    @JsonPropertyDescription("iss of the tokens the API issues and accepts.")
    public String issuer = DEFAULT_JWT_ISSUER;

    @Default(DEFAULT_JWT_AUDIENCE)
    @Pattern("^\\S{1,255}$")
    @JsonPropertyDescription("aud of the tokens the API issues and accepts.")
    public String audience = DEFAULT_JWT_AUDIENCE;

    @JsonPropertyDescription(
        "Secret key holding the JWK set (JSON; private EC P-256 keys, each with a kid). Default:"
            + " key jwks.json of Secret <tenant>-jwt.")
    public SecretKeySelector jwkSetSecretRef;

    @Pattern("^\\S{1,255}$")
    @JsonPropertyDescription(
        "kid of the key that signs new tokens; the others only verify (rotation). Default: the"
            + " first private key of the set.")
    public String activeKid;
  }

  public static class Redis {
    @Required
    @JsonPropertyDescription("Secret key holding a redis:// or rediss:// URL.")
    public SecretKeySelector secretRef;
  }

  public static class Messaging {
    @Required
    @JsonPropertyDescription("Secret key holding an amqp:// or amqps:// URL (or a list of them).")
    public SecretKeySelector amqpSecretRef;
  }

  public static class Database {
    @Required
    @JsonPropertyDescription("Secret in the tenant's namespace holding the MongoDB URI.")
    public SecretKeyRef secretRef = new SecretKeyRef();

    @Required
    @Pattern("^[A-Za-z0-9_-]{1,63}$")
    @JsonPropertyDescription("Name of the tenant database.")
    public String name;

    @JsonPropertyDescription("Indexes beyond the platform catalog.")
    public List<Index> indexes = new ArrayList<>();

    @Default("Report")
    @JsonPropertyDescription(
        "What to do with indexes that are neither in the catalog nor in indexes: Report or Drop.")
    public UnmanagedIndexPolicy unmanagedIndexes = UnmanagedIndexPolicy.Report;
  }

  public static class SecretKeyRef {
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
    public String name;

    @Default("uri")
    public String key = "uri";
  }

  public static class Index {
    @Required
    @Pattern("^[A-Za-z_][A-Za-z0-9_.-]{0,119}$")
    public String collection;

    @Required
    @Pattern("^[A-Za-z0-9_.-]{1,127}$")
    public String name;

    @Required
    @Size(min = 1, max = 32)
    public List<IndexField> keys = new ArrayList<>();

    @Default("false")
    public Boolean unique = false;
  }

  public static class IndexField {
    @Required
    @Pattern("^[^$][^\\x00]*$")
    public String field;

    @Default("1")
    @Min(-1)
    @Max(1)
    @ValidationRule(value = "self == 1 || self == -1", message = "direction must be 1 or -1")
    public Integer direction = 1;

    public IndexField() {}

    public IndexField(String field, int direction) {
      this.field = field;
      this.direction = direction;
    }
  }

  public static class Cache {
    public L1 l1 = new L1();
    public L2 l2 = new L2();
    public Warming warming = new Warming();
  }

  public static class L1 {
    @Default("10000")
    @Min(0)
    @Max(10000000)
    public Integer maxSize = 10000;

    @Default("60s")
    @Pattern(DURATION_PATTERN)
    public String ttl = "60s";
  }

  public static class L2 {
    @Default("5m")
    @Pattern(DURATION_PATTERN)
    public String ttl = "5m";
  }

  public static class Warming {
    @Default("0 */15 * * * *")
    @Pattern("^\\S+( \\S+){5}$")
    @JsonPropertyDescription(
        "Six-field Spring cron: second minute hour day-of-month month weekday.")
    public String schedule = "0 */15 * * * *";

    public List<WarmingTarget> targets =
        new ArrayList<>(
            List.of(WarmingTarget.plans, WarmingTarget.categories, WarmingTarget.products));
  }

  public static class Monitoring {
    public Slo slo = new Slo();
  }

  public static class Slo {
    @Default("500ms")
    @Pattern(DURATION_PATTERN)
    public String p95Latency = "500ms";

    @Default("0.05")
    @Pattern(RATIO_PATTERN)
    public String errorRate = "0.05";

    @Default("0.70")
    @Pattern(RATIO_PATTERN)
    public String cacheHitRate = "0.70";

    @Default("2m")
    @Pattern(DURATION_PATTERN)
    public String window = "2m";
  }

  public static class Rollout {
    @Default("RollingUpdate")
    @JsonPropertyDescription(
        "RollingUpdate (default) or BlueGreen (preview Deployment and Service, judged before the"
            + " tenant Service switches to it).")
    public Strategy strategy = Strategy.RollingUpdate;

    @Default("/api/health/readiness")
    @Pattern("^/[A-Za-z0-9/._-]*$")
    public String healthCheckPath = "/api/health/readiness";

    @Default("3")
    @Min(1)
    @Max(100)
    @JsonPropertyDescription(
        "Consecutive readiness failures that mark a pod (and the revision) bad.")
    public Integer failureThreshold = 3;

    @Default("10")
    @Min(1)
    @Max(300)
    public Integer periodSeconds = 10;

    @Default("300")
    @Min(10)
    @Max(3600)
    @JsonPropertyDescription(
        "Seconds a new revision may go without progress (a pod created, ready or available)"
            + " before it has failed; measured from the last progress, as Kubernetes does.")
    public Integer progressDeadlineSeconds = 300;

    @Default("true")
    public Boolean autoRollback = true;

    @JsonPropertyDescription(
        "Seconds a new revision must stay healthy after becoming available before it is promoted"
            + " to last good revision.")
    @Default("120")
    @Min(0)
    @Max(86400)
    public Integer stabilizationSeconds = 120;

    public Analysis analysis;
  }

  public static class Analysis {
    @Required
    @Pattern(NAME_PATTERN)
    @JsonPropertyDescription(
        "Name of a Prometheus endpoint in the operator's configuration (ANALYSIS_PROVIDERS);"
            + " the spec never carries a URL.")
    public String provider;

    @Default("0.05")
    @Pattern(RATIO_PATTERN)
    public String maxErrorRate = "0.05";

    @Default("500ms")
    @Pattern(DURATION_PATTERN)
    public String maxP95Latency = "500ms";

    @Default("2m")
    @Pattern(DURATION_PATTERN)
    @JsonPropertyDescription("Range of each measurement's rate() queries.")
    public String window = "2m";

    @Default("30s")
    @Pattern(DURATION_PATTERN)
    @JsonPropertyDescription("Time between two measurements.")
    public String interval = "30s";

    @Default("2")
    @Min(0)
    @Max(100)
    @JsonPropertyDescription(
        "Failed measurements tolerated; one more fails the revision (Argo Rollouts' failureLimit).")
    public Integer failureLimit = 2;

    @Default("4")
    @Min(0)
    @Max(100)
    @JsonPropertyDescription(
        "Consecutive measurements that could not be taken (Prometheus unreachable, bad answer)"
            + " tolerated; one more fails the revision (Argo Rollouts' consecutiveErrorLimit).")
    public Integer consecutiveErrorLimit = 4;

    @Default("50")
    @Min(1)
    @Max(1000000)
    @JsonPropertyDescription(
        "Requests the window must hold for a measurement to count; fewer is no data, which is"
            + " inconclusive, never a pass.")
    public Integer minSamples = 50;
  }
}
