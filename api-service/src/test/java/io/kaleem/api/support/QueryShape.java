package io.kaleem.api.support;

import io.kaleem.crds.indexes.IndexKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * The shape of a recorded MongoDB read as the index rule sees it: equality fields (plain values,
 * {@code $eq}, {@code $in}, {@code $all}), range fields, and sort keys. Keyset {@code $or} clauses
 * contribute range conditions on the sort fields only.
 */
public record QueryShape(
    String collection, Set<String> equality, Set<String> range, List<IndexKey> sort) {

  public static QueryShape of(String collection, BsonDocument filter, BsonDocument sort) {
    Set<String> eq = new TreeSet<>();
    Set<String> range = new TreeSet<>();
    collect(filter, eq, range);
    List<IndexKey> keys = new ArrayList<>();
    if (sort != null) {
      sort.forEach((f, d) -> keys.add(new IndexKey(f, d.asNumber().intValue())));
    }
    return new QueryShape(collection, eq, range, keys);
  }

  private static void collect(BsonDocument filter, Set<String> eq, Set<String> range) {
    if (filter == null) {
      return;
    }
    for (var entry : filter.entrySet()) {
      String key = entry.getKey();
      BsonValue value = entry.getValue();
      if (key.equals("$and")) {
        value.asArray().forEach(v -> collect(v.asDocument(), eq, range));
      } else if (key.equals("$or")) {
        // Keyset clauses: every branch compares sort fields or _id; they are ranges.
        value
            .asArray()
            .forEach(
                v -> {
                  Set<String> branchEq = new TreeSet<>();
                  collect(v.asDocument(), branchEq, range);
                  range.addAll(branchEq);
                });
      } else if (key.startsWith("$")) {
        throw new IllegalArgumentException("unexpected top-level operator " + key);
      } else if (value.isDocument() && isOperatorDocument(value.asDocument())) {
        for (String op : value.asDocument().keySet()) {
          switch (op) {
            case "$eq", "$in", "$all" -> eq.add(key);
            default -> range.add(key);
          }
        }
      } else {
        eq.add(key);
      }
    }
  }

  private static boolean isOperatorDocument(BsonDocument d) {
    return !d.isEmpty() && d.keySet().stream().allMatch(k -> k.startsWith("$"));
  }
}
