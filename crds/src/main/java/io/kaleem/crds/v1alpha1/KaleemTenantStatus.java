package io.kaleem.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Observed state of a tenant, written only by the operator. */
public class KaleemTenantStatus {

  public enum Phase {
    Pending,
    Provisioning,
    Ready,
    Progressing,
    Degraded,
    RolledBack,
    Failed
  }

  public Long observedGeneration;

  public Phase phase = Phase.Pending;

  @JsonPropertyDescription("One condition per concern, plus the aggregate Ready.")
  public List<Condition> conditions = new ArrayList<>();

  public IndexCounts indexes = new IndexCounts();

  @JsonPropertyDescription("Revision (hash of the pod template) the Deployment runs now.")
  public String currentRevision;

  @JsonPropertyDescription("When the current revision was applied (RFC 3339).")
  public String rolloutStartedAt;

  @JsonPropertyDescription("Since when the current revision has been available and healthy.")
  public String healthySince;

  @JsonPropertyDescription(
      "The last revision that stayed healthy through its stabilisation window.")
  public String lastGoodRevision;

  @JsonPropertyDescription("The spec that produced lastGoodRevision; a rollback re-renders it.")
  public KaleemTenantSpec lastGoodSpec;

  @JsonPropertyDescription(
      "A revision that was rolled back; it is not tried again until the spec changes.")
  public String failedRevision;

  public List<RollbackRecord> rollbackHistory = new ArrayList<>();

  public static class IndexCounts {
    public Integer managed = 0;
    public Integer created = 0;
    public Integer rebuilt = 0;
    public Integer unmanaged = 0;
    public Integer dropped = 0;
  }

  public static class RollbackRecord {
    public String time;
    public String from;
    public String to;
    public String reason;

    public RollbackRecord() {}

    public RollbackRecord(String time, String from, String to, String reason) {
      this.time = time;
      this.from = from;
      this.to = to;
      this.reason = reason;
    }
  }
}
