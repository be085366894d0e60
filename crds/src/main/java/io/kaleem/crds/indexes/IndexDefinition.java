package io.kaleem.crds.indexes;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One index of the catalog: where it lives, its keys in order, its options, and the query it serves
 * (kept beside the definition so a reviewer can judge whether the index still earns its write
 * cost).
 *
 * @param partialFilter a partial filter expression as canonical extended JSON, or {@code null}
 * @param collationLocale an ICU collation locale, or {@code null} for binary comparison
 * @param expireAfterSeconds a TTL index's {@code expireAfterSeconds} (0: expire at the indexed
 *     date), or {@code null} for an index that removes nothing
 */
public record IndexDefinition(
    String collection,
    String name,
    List<IndexKey> keys,
    boolean unique,
    IndexRole role,
    String partialFilter,
    String collationLocale,
    String serves,
    Long expireAfterSeconds) {

  public IndexDefinition {
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    keys = List.copyOf(keys);
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("index " + name + " has no keys");
    }
    if (keys.stream().map(IndexKey::field).distinct().count() != keys.size()) {
      throw new IllegalArgumentException("index " + name + " repeats a field");
    }
    if (expireAfterSeconds != null && (expireAfterSeconds < 0 || keys.size() != 1)) {
      throw new IllegalArgumentException(
          "TTL index " + name + " needs one date field and expireAfterSeconds >= 0");
    }
  }

  /**
   * Whether this index serves a query with the given equality fields and sort, by the rule the
   * platform holds every query to: the index keys start with exactly the equality fields (in any
   * order), followed by the sort keys in order (all in their direction, or all reversed, which a
   * B-tree walks backwards). Keys after that (such as the {@code _id} tie-breaker) are allowed.
   */
  public boolean serves(Set<String> equalityFields, List<IndexKey> sort) {
    int e = equalityFields.size();
    if (keys.size() < e + sort.size()) {
      return false;
    }
    for (int i = 0; i < e; i++) {
      if (!equalityFields.contains(keys.get(i).field())) {
        return false;
      }
    }
    if (sort.isEmpty()) {
      return e > 0;
    }
    List<IndexKey> tail = keys.subList(e, e + sort.size());
    return tail.equals(sort) || tail.equals(reverse(sort));
  }

  /** The key fields, in order: the document a driver's {@code createIndex} takes. */
  public List<String> fields() {
    return keys.stream().map(IndexKey::field).toList();
  }

  private static List<IndexKey> reverse(List<IndexKey> sort) {
    List<IndexKey> out = new ArrayList<>(sort.size());
    sort.forEach(k -> out.add(k.reversed()));
    return out;
  }
}
