package io.kaleem.operator;

import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import java.util.Set;

/**
 * An event source that reconciles a tenant when a job running on its own threads signals it (an
 * index sync ended, an analysis measurement was taken), so the outcome reaches the status at once
 * instead of at the next poll. One instance per kind of signal, named for it: JOSDK reports and
 * keys event sources by name.
 */
public final class TenantSignal extends AbstractEventSource<TenantSignal.Signalled, KaleemTenant> {

  /** Marker type: a signal has no secondary resources. */
  public record Signalled(String tenant) {}

  public TenantSignal(String name) {
    super(Signalled.class, name);
  }

  /**
   * Called from the job's thread with the tenant key {@code namespace/name}. Before the source has
   * started (or after it stopped) there is no handler: the reconcile that starts with it reads the
   * job's outcome anyway.
   */
  public void signal(String tenantKey) {
    if (!isRunning()) {
      return;
    }
    int slash = tenantKey.indexOf('/');
    getEventHandler()
        .handleEvent(
            new Event(
                new ResourceID(tenantKey.substring(slash + 1), tenantKey.substring(0, slash))));
  }

  @Override
  public Set<Signalled> getSecondaryResources(KaleemTenant primary) {
    return Set.of();
  }
}
