package io.kaleem.api.support;

import io.kaleem.crds.indexes.IndexCatalog;
import io.kaleem.crds.indexes.IndexKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Checks recorded {@code find} commands against the index catalog: a query by {@code _id} is served
 * by MongoDB's own index; any other must have its equality fields and sort served by a catalog
 * index of its collection.
 */
public final class CatalogCoverage {

  private static final Set<String> EQUALITY_OPERATORS = Set.of("$in", "$all", "$eq");

  private CatalogCoverage() {}

  /** The recorded finds on {@code collections} that no index serves, described for a message. */
  public static List<String> unserved(
      List<RecordedQueries.Recorded> recorded, Set<String> collections) {
    List<String> out = new ArrayList<>();
    for (RecordedQueries.Recorded r : recorded) {
      if (!r.command().equals("find") || !collections.contains(r.collection())) {
        continue;
      }
      BsonDocument filter = r.body().getDocument("filter", new BsonDocument());
      Set<String> equality = new TreeSet<>();
      collectEquality(filter, equality);
      if (equality.contains("_id")) {
        continue;
      }
      List<IndexKey> sort = new ArrayList<>();
      r.body()
          .getDocument("sort", new BsonDocument())
          .forEach((field, dir) -> sort.add(new IndexKey(field, dir.asNumber().intValue())));
      if (IndexCatalog.serving(r.collection(), equality, sort).isEmpty()) {
        out.add(r.collection() + " " + filter.toJson() + " sort " + sort);
      }
    }
    return out;
  }

  private static void collectEquality(BsonDocument filter, Set<String> equality) {
    for (var e : filter.entrySet()) {
      String key = e.getKey();
      BsonValue value = e.getValue();
      if (key.equals("$and")) {
        for (BsonValue part : (BsonArray) value) {
          collectEquality(part.asDocument(), equality);
        }
      } else if (key.startsWith("$")) {
        // $or: the keyset position, a range on the sort keys.
        continue;
      } else if (!value.isDocument()
          || value.asDocument().keySet().stream().allMatch(EQUALITY_OPERATORS::contains)) {
        equality.add(key);
      }
    }
  }
}
