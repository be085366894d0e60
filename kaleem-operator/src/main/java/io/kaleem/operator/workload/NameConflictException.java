package io.kaleem.operator.workload;

/**
 * An object with the name a dependent needs exists but is not ours (no controller owner reference
 * to this tenant, or not labelled as managed by the operator): it is never adopted or overwritten.
 * The informer caches only what we own, so such an object shows up as a 409 on create.
 */
public class NameConflictException extends RuntimeException {

  private final String kind;
  private final String name;

  public NameConflictException(String kind, String name, Throwable cause) {
    super(
        kind
            + " "
            + name
            + " exists and is not owned by this tenant; the operator does not adopt it (rename or"
            + " delete it, or rename the tenant)",
        cause);
    this.kind = kind;
    this.name = name;
  }

  public String kind() {
    return kind;
  }

  public String name() {
    return name;
  }
}
