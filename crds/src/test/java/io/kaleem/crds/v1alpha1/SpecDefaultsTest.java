package io.kaleem.crds.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpecDefaultsTest {

  @Test
  void unsetFieldsAndSectionsReadAsTheInitialisers() {
    KaleemTenantSpec spec = new KaleemTenantSpec();
    spec.rollout = null;
    spec.monitoring.slo.cacheHitRate = null;
    spec.api.autoscaling.maxReplicas = null;
    KaleemTenantSpec.Index extra = new KaleemTenantSpec.Index();
    KaleemTenantSpec.IndexField field = new KaleemTenantSpec.IndexField();
    field.field = "note";
    field.direction = null;
    extra.keys = List.of(field);
    spec.database.indexes = List.of(extra);

    KaleemTenantSpec d = spec.withDefaults();

    assertThat(d.rollout.progressDeadlineSeconds).isEqualTo(300);
    assertThat(d.rollout.strategy).isEqualTo(KaleemTenantSpec.Strategy.RollingUpdate);
    assertThat(d.rollout.analysis).as("off unless given").isNull();
    assertThat(d.redis).as("off unless given").isNull();
    assertThat(d.monitoring.slo.cacheHitRate).isEqualTo(new KaleemTenantSpec.Slo().cacheHitRate);
    assertThat(d.api.autoscaling.maxReplicas).isEqualTo(10);
    assertThat(d.database.indexes.get(0).keys.get(0).direction).isEqualTo(1);
    assertThat(d.database.indexes.get(0).keys.get(0).field).isEqualTo("note");
    // A copy: the given spec is untouched; applying twice changes nothing.
    assertThat(spec.rollout).isNull();
    assertThat(spec.database.indexes.get(0).keys.get(0).direction).isNull();
    assertThat(d.withDefaults().rollout.stabilizationSeconds)
        .isEqualTo(d.rollout.stabilizationSeconds);
  }

  @Test
  void givenValuesAreKept() {
    KaleemTenantSpec spec = new KaleemTenantSpec();
    spec.rollout.progressDeadlineSeconds = 42;
    spec.api.replicas = 7;
    KaleemTenantSpec d = spec.withDefaults();
    assertThat(d.rollout.progressDeadlineSeconds).isEqualTo(42);
    assertThat(d.api.replicas).isEqualTo(7);
  }

  @Test
  void theNameRuleKeepsEveryChildNameValid() {
    java.util.regex.Pattern p = java.util.regex.Pattern.compile(KaleemTenant.NAME_PATTERN);
    String longest = "a".repeat(KaleemTenant.MAX_NAME_LENGTH);
    assertThat(p.matcher(longest).matches()).isTrue();
    assertThat((longest + "-api-preview").length()).isLessThanOrEqualTo(63);
    assertThat(p.matcher("1shop").matches()).as("Service names start with a letter").isFalse();
    assertThat(KaleemTenant.NAME_RULE).contains(String.valueOf(KaleemTenant.MAX_NAME_LENGTH));
  }
}
