package io.kaleem.crds.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One merchant tenant of the platform: its API deployment, database, cache, SLOs and rollout
 * policy. {@code kubectl apply} of one of these is the whole onboarding.
 */
@Group(KaleemTenant.GROUP)
@Version(KaleemTenant.VERSION)
@ShortNames("kt")
@AdditionalPrinterColumn(name = "Plan", jsonPath = ".spec.plan")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Revision", jsonPath = ".status.currentRevision")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(value = KaleemTenant.NAME_RULE, message = KaleemTenant.NAME_RULE_MESSAGE)
public class KaleemTenant extends CustomResource<KaleemTenantSpec, KaleemTenantStatus>
    implements Namespaced {

  public static final String GROUP = "kaleem.io";
  public static final String VERSION = "v1alpha1";
  public static final String CRD_NAME = "kaleemtenants." + GROUP;

  /**
   * The longest tenant name whose child objects are all valid: the longest child name is the
   * preview Service {@code <name>-api-preview} (12 more characters), a DNS-1035 label of at most
   * 63; {@code <name>-config-<hash10>} needs 18 more within 253; the {@code kaleem.io/tenant} label
   * value holds the name itself (at most 63). 45 leaves room for one more suffix.
   */
  public static final int MAX_NAME_LENGTH = 45;

  /**
   * A DNS-1035 label (Services need a leading letter) of at most {@link #MAX_NAME_LENGTH}; the
   * regular expression is shared by the CEL rule and the operator's own check.
   */
  public static final String NAME_PATTERN = "^[a-z]([-a-z0-9]*[a-z0-9])?$";

  /** CEL on the object root (x-kubernetes-validations): the API server refuses a bad name. */
  public static final String NAME_RULE =
      "size(self.metadata.name) <= 45 && self.metadata.name.matches('" + NAME_PATTERN + "')";

  public static final String NAME_RULE_MESSAGE =
      "metadata.name must start with a letter, hold only a-z, 0-9 and '-', and be at most 45"
          + " characters, so every object the operator creates for the tenant has a valid name";
}
