package io.kaleem.crds.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
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
public class KaleemTenant extends CustomResource<KaleemTenantSpec, KaleemTenantStatus>
    implements Namespaced {

  public static final String GROUP = "kaleem.io";
  public static final String VERSION = "v1alpha1";
  public static final String CRD_NAME = "kaleemtenants." + GROUP;
}
