package io.kaleem.operator.indexes;

import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import java.util.Set;

/**
 * Triggers a reconcile of a tenant when its background index sync ends, so the outcome reaches the
 * status at once instead of at the next poll.
 */
public class IndexSyncEvents extends AbstractEventSource<IndexSyncEvents.SyncEnded, KaleemTenant> {

  /** Marker type: the event source has no secondary resources. */
  public record SyncEnded(String tenant) {}

  public IndexSyncEvents() {
    super(SyncEnded.class, "index-sync");
  }

  /** Called from an index-sync thread with the tenant key {@code namespace/name}. */
  public void ended(String tenantKey) {
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
  public Set<SyncEnded> getSecondaryResources(KaleemTenant primary) {
    return Set.of();
  }
}
