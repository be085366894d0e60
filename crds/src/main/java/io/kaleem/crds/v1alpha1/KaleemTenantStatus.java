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

  @JsonPropertyDescription(
      "The apps/v1 ControllerRevision holding lastGoodRevision as it was rendered (pod template"
          + " and configuration); a rollback restores it, never re-renders a spec.")
  public String lastGoodSnapshot;

  @JsonPropertyDescription(
      "Fingerprint of the spec that produced lastGoodRevision. While the spec keeps it, the tenant"
          + " keeps running lastGoodSnapshot, however a newer operator would render it.")
  public String lastGoodSpecHash;

  @JsonPropertyDescription(
      "A revision that failed; the spec that produced it is not tried again until it changes.")
  public String failedRevision;

  @JsonPropertyDescription("Fingerprint of the spec that produced failedRevision.")
  public String failedSpecHash;

  @JsonPropertyDescription(
      "A rollback target that failed too: the operator stops acting until the spec changes.")
  public String failedRollbackRevision;

  @JsonPropertyDescription("True while the last good revision is being restored.")
  public Boolean rollingBack;

  @JsonPropertyDescription("When the current revision last made progress (RFC 3339).")
  public String lastProgressAt;

  @JsonPropertyDescription("Replica counts of the current revision at its last progress.")
  public String progressMark;

  @JsonPropertyDescription(
      "Restart counts of pods that existed before the current rollout began; restarts are"
          + " judged as increases over these.")
  public java.util.Map<String, Integer> restartBaseline = new java.util.LinkedHashMap<>();

  @JsonPropertyDescription("BlueGreen: the revision the tenant Service sends traffic to.")
  public String activeRevision;

  @JsonPropertyDescription("The last kaleem.io/retry annotation value acted upon.")
  public String retryToken;

  @JsonPropertyDescription("The latest analysis of the current revision.")
  public AnalysisStatus analysis;

  public List<RollbackRecord> rollbackHistory = new ArrayList<>();

  public static class IndexCounts {
    public Integer managed = 0;
    public Integer created = 0;
    public Integer rebuilt = 0;
    public Integer unmanaged = 0;
    public Integer dropped = 0;
  }

  public static class AnalysisStatus {
    public String revision;

    @JsonPropertyDescription("Running, Passed, Failed, Error or Inconclusive.")
    public String phase;

    public Integer measurements = 0;
    public Integer failures = 0;
    public Integer consecutiveErrors = 0;
    public Integer inconclusive = 0;

    @JsonPropertyDescription("At most 512 characters; never a response body.")
    public String message;
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
