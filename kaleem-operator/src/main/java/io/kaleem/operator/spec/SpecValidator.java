package io.kaleem.operator.spec;

import io.kaleem.crds.config.ApiEnv;
import io.kaleem.crds.indexes.IndexCatalog;
import io.kaleem.crds.indexes.IndexDefinition;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything the CRD schema cannot refuse (or that a cluster without CEL validation lets through):
 * checked before the operator touches anything, so an invalid spec causes no partial change.
 */
public final class SpecValidator {

  private static final Pattern IMAGE = Pattern.compile(KaleemTenantSpec.IMAGE_PATTERN);
  private static final Pattern DURATION = Pattern.compile(KaleemTenantSpec.DURATION_PATTERN);
  private static final Pattern RATIO = Pattern.compile(KaleemTenantSpec.RATIO_PATTERN);
  private static final Pattern NAME = Pattern.compile(KaleemTenantSpec.NAME_PATTERN);
  private static final Pattern QUANTITY = Pattern.compile(KaleemTenantSpec.QUANTITY_PATTERN);
  private static final Pattern OBJECT_NAME = Pattern.compile(KaleemTenantSpec.OBJECT_NAME_PATTERN);
  private static final Pattern KEY = Pattern.compile(KaleemTenantSpec.KEY_PATTERN);
  private static final Pattern DB = Pattern.compile("^[A-Za-z0-9_-]{1,63}$");

  private SpecValidator() {}

  /** Problems found, each a sentence naming the field; empty when the spec is valid. */
  public static List<String> problems(KaleemTenantSpec spec) {
    List<String> out = new ArrayList<>();
    if (spec == null) {
      out.add("spec is missing");
      return out;
    }
    if (spec.plan == null || !NAME.matcher(spec.plan).matches()) {
      out.add("spec.plan '" + spec.plan + "' must be a lower-case name such as 'growth'");
    }
    if (spec.api == null || spec.api.image == null) {
      out.add("spec.api.image is required");
    } else if (!IMAGE.matcher(spec.api.image).matches()) {
      out.add("spec.api.image '" + spec.api.image + "' is not a valid image reference");
    }
    if (spec.api != null) {
      if (spec.api.replicas != null && (spec.api.replicas < 0 || spec.api.replicas > 100)) {
        out.add("spec.api.replicas must be between 0 and 100");
      }
      KaleemTenantSpec.Autoscaling a = spec.api.autoscaling;
      if (a != null && !Boolean.FALSE.equals(a.enabled)) {
        if (a.minReplicas == null || a.maxReplicas == null || a.minReplicas < 1) {
          out.add("spec.api.autoscaling.minReplicas and maxReplicas must be at least 1");
        } else if (a.minReplicas > a.maxReplicas) {
          out.add(
              "spec.api.autoscaling.minReplicas ("
                  + a.minReplicas
                  + ") exceeds maxReplicas ("
                  + a.maxReplicas
                  + ")");
        }
        if (a.targetCPUUtilizationPercentage != null
            && (a.targetCPUUtilizationPercentage < 1 || a.targetCPUUtilizationPercentage > 100)) {
          out.add("spec.api.autoscaling.targetCPUUtilizationPercentage must be 1-100");
        }
      }
      if (spec.api.resources != null) {
        quantity(out, "requests", spec.api.resources.requests);
        quantity(out, "limits", spec.api.resources.limits);
      }
      env(out, spec.api.env);
    }
    database(out, spec.database);
    secrets(out, spec);
    if (spec.cache != null) {
      if (spec.cache.l1 != null) {
        duration(out, "spec.cache.l1.ttl", spec.cache.l1.ttl);
        if (spec.cache.l1.maxSize != null && spec.cache.l1.maxSize < 0) {
          out.add("spec.cache.l1.maxSize must not be negative");
        }
      }
      if (spec.cache.l2 != null) {
        duration(out, "spec.cache.l2.ttl", spec.cache.l2.ttl);
      }
      if (spec.cache.warming != null && spec.cache.warming.schedule != null) {
        CronCheck.problem(spec.cache.warming.schedule)
            .ifPresent(p -> out.add("spec.cache.warming.schedule: " + p));
      }
    }
    if (spec.monitoring != null && spec.monitoring.slo != null) {
      KaleemTenantSpec.Slo s = spec.monitoring.slo;
      duration(out, "spec.monitoring.slo.p95Latency", s.p95Latency);
      duration(out, "spec.monitoring.slo.window", s.window);
      ratio(out, "spec.monitoring.slo.errorRate", s.errorRate);
      ratio(out, "spec.monitoring.slo.cacheHitRate", s.cacheHitRate);
    }
    if (spec.rollout != null && spec.rollout.analysis != null) {
      KaleemTenantSpec.Analysis a = spec.rollout.analysis;
      if (a.provider == null || !a.provider.matches(KaleemTenantSpec.NAME_PATTERN)) {
        out.add(
            "spec.rollout.analysis.provider must name a Prometheus endpoint of the operator's"
                + " configuration (a DNS label)");
      }
      duration(out, "spec.rollout.analysis.interval", a.interval);
      ratio(out, "spec.rollout.analysis.maxErrorRate", a.maxErrorRate);
      duration(out, "spec.rollout.analysis.maxP95Latency", a.maxP95Latency);
      duration(out, "spec.rollout.analysis.window", a.window);
    }
    if (spec.rollout != null
        && spec.rollout.healthCheckPath != null
        && !spec.rollout.healthCheckPath.startsWith("/")) {
      out.add("spec.rollout.healthCheckPath must start with /");
    }
    return out;
  }

  private static void env(List<String> out, List<KaleemTenantSpec.EnvVar> env) {
    if (env == null) {
      return;
    }
    Set<String> names = new HashSet<>();
    for (KaleemTenantSpec.EnvVar e : env) {
      if (e == null || e.name == null || !e.name.matches("^[A-Za-z_][A-Za-z0-9_]*$")) {
        out.add("spec.api.env has an invalid variable name");
        continue;
      }
      String where = "spec.api.env[" + e.name + "]";
      if (ApiEnv.RESERVED.contains(e.name)) {
        out.add("spec.api.env must not set " + e.name + " (the operator sets it)");
      } else if (!names.add(e.name)) {
        out.add(where + " is declared twice");
      }
      if ((e.value == null) == (e.valueFrom == null)) {
        out.add(where + " needs exactly one of value and valueFrom");
      } else if (e.valueFrom != null) {
        KaleemTenantSpec.EnvVarSource f = e.valueFrom;
        if ((f.secretKeyRef == null) == (f.configMapKeyRef == null)) {
          out.add(where + ".valueFrom needs exactly one of secretKeyRef and configMapKeyRef");
        } else if (f.secretKeyRef != null) {
          keySelector(
              out, where + ".valueFrom.secretKeyRef", f.secretKeyRef.name, f.secretKeyRef.key);
        } else {
          keySelector(
              out,
              where + ".valueFrom.configMapKeyRef",
              f.configMapKeyRef.name,
              f.configMapKeyRef.key);
        }
      }
    }
  }

  private static void secrets(List<String> out, KaleemTenantSpec spec) {
    if (spec.security != null && spec.security.jwt != null) {
      KaleemTenantSpec.Jwt jwt = spec.security.jwt;
      token(out, "spec.security.jwt.issuer", jwt.issuer);
      token(out, "spec.security.jwt.audience", jwt.audience);
      if (jwt.activeKid != null) {
        token(out, "spec.security.jwt.activeKid", jwt.activeKid);
      }
      if (jwt.jwkSetSecretRef != null) {
        keySelector(
            out,
            "spec.security.jwt.jwkSetSecretRef",
            jwt.jwkSetSecretRef.name,
            jwt.jwkSetSecretRef.key);
      }
    }
    if (spec.redis != null) {
      if (spec.redis.secretRef == null) {
        out.add("spec.redis.secretRef is required when spec.redis is given");
      } else {
        keySelector(
            out, "spec.redis.secretRef", spec.redis.secretRef.name, spec.redis.secretRef.key);
      }
    }
    if (spec.messaging != null) {
      KaleemTenantSpec.SecretKeySelector amqp = spec.messaging.amqpSecretRef;
      if (amqp == null) {
        out.add("spec.messaging.amqpSecretRef is required when spec.messaging is given");
      } else {
        keySelector(out, "spec.messaging.amqpSecretRef", amqp.name, amqp.key);
      }
    }
  }

  private static void keySelector(List<String> out, String field, String name, String key) {
    if (name == null || !OBJECT_NAME.matcher(name).matches()) {
      out.add(field + ".name '" + name + "' must be the name of an object in the namespace");
    }
    if (key == null || !KEY.matcher(key).matches()) {
      out.add(field + ".key '" + key + "' must be a data key (letters, digits, '-', '_', '.')");
    }
  }

  private static void token(List<String> out, String field, String v) {
    if (v == null || !v.matches("^\\S{1,255}$")) {
      out.add(field + " must be 1-255 characters without spaces");
    }
  }

  private static void database(List<String> out, KaleemTenantSpec.Database d) {
    if (d == null) {
      out.add("spec.database is required");
      return;
    }
    if (d.name == null || !DB.matcher(d.name).matches()) {
      out.add("spec.database.name '" + d.name + "' must be 1-63 letters, digits, _ or -");
    }
    if (d.secretRef == null || d.secretRef.name == null || d.secretRef.name.isBlank()) {
      out.add("spec.database.secretRef.name is required");
    }
    if (d.indexes == null) {
      return;
    }
    Set<String> catalogNames = new HashSet<>();
    IndexCatalog.all().forEach(i -> catalogNames.add(i.collection() + "/" + i.name()));
    Set<String> seen = new HashSet<>();
    for (KaleemTenantSpec.Index i : d.indexes) {
      String where = "spec.database.indexes[" + (i == null ? "?" : i.name) + "]";
      try {
        IndexDefinition def = IndexSpecs.toDefinition(i);
        String key = def.collection() + "/" + def.name();
        if (catalogNames.contains(key)) {
          out.add(where + " has the name of a catalog index; choose another name");
        } else if (!seen.add(key)) {
          out.add(where + " is declared twice");
        }
      } catch (RuntimeException e) {
        out.add(where + ": " + e.getMessage());
      }
    }
  }

  private static void quantity(List<String> out, String what, KaleemTenantSpec.Amounts a) {
    if (a == null) {
      return;
    }
    if (a.cpu != null && !QUANTITY.matcher(a.cpu).matches()) {
      out.add("spec.api.resources." + what + ".cpu '" + a.cpu + "' is not a quantity");
    }
    if (a.memory != null && !QUANTITY.matcher(a.memory).matches()) {
      out.add("spec.api.resources." + what + ".memory '" + a.memory + "' is not a quantity");
    }
  }

  private static void duration(List<String> out, String field, String v) {
    if (v != null && !DURATION.matcher(v).matches()) {
      out.add(field + " '" + v + "' must be a duration such as 500ms, 60s, 2m");
    }
  }

  private static void ratio(List<String> out, String field, String v) {
    if (v != null && !RATIO.matcher(v).matches()) {
      out.add(field + " '" + v + "' must be a decimal between 0 and 1");
    }
  }
}
