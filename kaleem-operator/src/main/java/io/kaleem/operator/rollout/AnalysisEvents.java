package io.kaleem.operator.rollout;

import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import java.util.Set;

/** Triggers a reconcile of a tenant after each analysis measurement of its revision. */
public class AnalysisEvents extends AbstractEventSource<AnalysisEvents.Measured, KaleemTenant> {

  /** Marker type: the event source has no secondary resources. */
  public record Measured(String tenant) {}

  public AnalysisEvents() {
    super(Measured.class, "rollout-analysis");
  }

  /** Called from an analysis thread with the tenant key {@code namespace/name}. */
  public void measured(String tenantKey) {
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
  public Set<Measured> getSecondaryResources(KaleemTenant primary) {
    return Set.of();
  }
}
