package io.kaleem.operator.rollout;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;

/** Deep copies of specs (the last good spec is kept in status). */
public final class Specs {

  private Specs() {}

  public static KaleemTenantSpec copy(KaleemTenantSpec spec) {
    return Serialization.unmarshal(Serialization.asJson(spec), KaleemTenantSpec.class);
  }
}
