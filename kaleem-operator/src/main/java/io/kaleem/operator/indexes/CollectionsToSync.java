package io.kaleem.operator.indexes;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.bson.Document;

/**
 * The collections an index sync visits, from the catalogue's collections and the database's {@code
 * listCollections} answer: the catalogued ones and any other collection found (its indexes are
 * unmanaged), but never a view. A view has no indexes of its own ({@code listIndexes} and {@code
 * createIndexes} on it fail), so a view named like a catalogued collection is skipped with a note
 * instead of failing the sync or being indexed; the operator's marker and {@code system.*} are not
 * the tenant's.
 */
record CollectionsToSync(SortedSet<String> names, List<String> views) {

  static CollectionsToSync of(Collection<String> catalogued, Iterable<Document> listed) {
    TreeSet<String> names = new TreeSet<>(catalogued);
    List<String> views = new ArrayList<>();
    for (Document c : listed) {
      String name = c.getString("name");
      if ("view".equals(c.getString("type"))) {
        names.remove(name);
        views.add(name);
      } else if (!IndexSyncService.MARKER_COLLECTION.equals(name) && !name.startsWith("system.")) {
        names.add(name);
      }
    }
    return new CollectionsToSync(names, List.copyOf(views));
  }
}
