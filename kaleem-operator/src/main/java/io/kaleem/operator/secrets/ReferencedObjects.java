package io.kaleem.operator.secrets;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.operator.spec.SpecValidator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Secrets and ConfigMaps tenants refer to (database URI, JWK set, Redis/AMQP URLs, api.env),
 * read from informer caches instead of one GET per reference per reconcile. A change to one
 * triggers exactly the tenants of its namespace that refer to it, so a Secret created after the
 * tenant moves it on at once instead of at the next retry.
 */
public final class ReferencedObjects {

  public static final String SECRETS = "referenced-secrets";
  public static final String CONFIG_MAPS = "referenced-configmaps";

  private InformerEventSource<Secret, KaleemTenant> secrets;
  private InformerEventSource<ConfigMap, KaleemTenant> configMaps;

  public InformerEventSource<Secret, KaleemTenant> secretSource(
      EventSourceContext<KaleemTenant> ctx) {
    secrets = source(Secret.class, SECRETS, ApiSecrets.Source.Secret, ctx);
    return secrets;
  }

  public InformerEventSource<ConfigMap, KaleemTenant> configMapSource(
      EventSourceContext<KaleemTenant> ctx) {
    configMaps = source(ConfigMap.class, CONFIG_MAPS, ApiSecrets.Source.ConfigMap, ctx);
    return configMaps;
  }

  /**
   * The primary cache's index of what each tenant refers to: computed once when a tenant enters or
   * changes in the cache, looked up per Secret or ConfigMap event. Scanning the namespace's tenants
   * on every such event (defaults, validation and references of each) made a fleet's creation
   * quadratic: 1,000 Secrets created × 1,000 tenants was a third of the operator's CPU.
   */
  private static final String INDEX = "referenced-objects";

  private boolean indexed;

  private <R extends HasMetadata> InformerEventSource<R, KaleemTenant> source(
      Class<R> type, String name, ApiSecrets.Source kind, EventSourceContext<KaleemTenant> ctx) {
    if (!indexed) {
      // before the informers start (prepareEventSources); one index for both kinds
      ctx.getPrimaryCache().addIndexer(INDEX, ReferencedObjects::references);
      indexed = true;
    }
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(type, KaleemTenant.class)
            .withName(name)
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(
                (R o) ->
                    ctx
                        .getPrimaryCache()
                        .byIndex(
                            INDEX,
                            key(o.getMetadata().getNamespace(), kind, o.getMetadata().getName()))
                        .stream()
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .build(),
        ctx);
  }

  private static String key(String namespace, ApiSecrets.Source kind, String name) {
    return namespace + "/" + kind + "/" + name;
  }

  /** The index keys of what a valid tenant refers to; none for a spec that is not valid. */
  private static List<String> references(KaleemTenant t) {
    if (t.getSpec() == null) {
      return List.of();
    }
    KaleemTenantSpec spec = t.getSpec().withDefaults();
    if (!SpecValidator.problems(spec).isEmpty()) {
      return List.of();
    }
    String ns = t.getMetadata().getNamespace();
    return ApiSecrets.of(t.getMetadata().getName(), spec).stream()
        .map(r -> key(ns, r.source(), r.name()))
        .distinct()
        .toList();
  }

  public Secret secret(String namespace, String name) {
    return secrets.get(new ResourceID(name, namespace)).orElse(null);
  }

  public ConfigMap configMap(String namespace, String name) {
    return configMaps.get(new ResourceID(name, namespace)).orElse(null);
  }

  /** Names of the event sources, for tests and health reports. */
  public static Set<String> names() {
    return Set.of(SECRETS, CONFIG_MAPS);
  }
}
