package io.kaleem.operator;

import io.kaleem.crds.v1alpha1.KaleemTenant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Names, labels and annotations the operator puts on what it owns. */
public final class Labels {

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String OPERATOR = "kaleem-operator";
  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String TENANT = "kaleem.io/tenant";
  public static final String REVISION = "kaleem.io/revision";
  public static final String DESIRED_HASH = "kaleem.io/desired-hash";
  public static final String CONFIG_HASH = "kaleem.io/config-hash";

  private Labels() {}

  /** Labels on every object of a tenant. */
  public static Map<String, String> common(KaleemTenant t) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(NAME, "kaleem-api");
    m.put(INSTANCE, t.getMetadata().getName());
    m.put(MANAGED_BY, OPERATOR);
    m.put(TENANT, t.getMetadata().getName());
    return m;
  }

  /** The pod selector of a tenant's API (stable across revisions). */
  public static Map<String, String> selector(KaleemTenant t) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(NAME, "kaleem-api");
    m.put(INSTANCE, t.getMetadata().getName());
    return m;
  }

  public static String apiName(KaleemTenant t) {
    return t.getMetadata().getName() + "-api";
  }

  /**
   * The tenant configuration of one revision: named after its content, so a revision never edits
   * the file another revision's pods mount.
   */
  public static String configName(KaleemTenant t, String configHash) {
    return t.getMetadata().getName() + "-config-" + configHash.substring(0, 10);
  }

  public static String secretName(KaleemTenant t) {
    return t.getMetadata().getName() + "-api-secrets";
  }

  public static String ruleName(KaleemTenant t) {
    return t.getMetadata().getName() + "-slo";
  }
}
