package io.kaleem.operator.workload;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The writes one workflow run made (created / updated kind and name), collected by the dependents
 * so the reconciler reports each as one Event: a reconcile that wrote nothing reports nothing.
 */
public final class WorkloadWrites {

  /** One write: {@code verb} is Created, Updated or Deleted. */
  public record Write(String verb, String kind, String name) {}

  private static final String KEY = WorkloadWrites.class.getName();

  private final List<Write> writes = Collections.synchronizedList(new ArrayList<>());

  static void record(Context<KaleemTenant> ctx, String verb, String kind, String name) {
    ctx.managedWorkflowAndDependentResourceContext()
        .get(KEY, WorkloadWrites.class)
        .ifPresent(w -> w.writes.add(new Write(verb, kind, name)));
  }

  /** A fresh collector for this reconcile. */
  public static WorkloadWrites start(Context<KaleemTenant> ctx) {
    WorkloadWrites w = new WorkloadWrites();
    ctx.managedWorkflowAndDependentResourceContext().put(KEY, w);
    return w;
  }

  public List<Write> list() {
    synchronized (writes) {
      return List.copyOf(writes);
    }
  }
}
