package io.kaleem.crds.indexes;

import java.util.Objects;

/**
 * One key of an index: a document field and its direction (1 ascending, -1 descending).
 *
 * <p>The platform never uses MongoDB's {@code "text"} key type: MongoDB text indexes have no Arabic
 * support, so search is realised on a normalised token array (see {@link IndexRole#TEXT}).
 */
public record IndexKey(String field, int direction) {

  public IndexKey {
    Objects.requireNonNull(field, "field");
    if (field.isBlank() || field.startsWith("$")) {
      throw new IllegalArgumentException("invalid index field: '" + field + "'");
    }
    if (direction != 1 && direction != -1) {
      throw new IllegalArgumentException("direction must be 1 or -1, was " + direction);
    }
  }

  public static IndexKey asc(String field) {
    return new IndexKey(field, 1);
  }

  public static IndexKey desc(String field) {
    return new IndexKey(field, -1);
  }

  public IndexKey reversed() {
    return new IndexKey(field, -direction);
  }
}
