package io.kaleem.api.support;

import io.kaleem.api.observability.business.BusinessMetrics;
import io.kaleem.crds.indexes.IndexCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bson.BsonDocument;

/**
 * Checks recorded reads against the index catalog: a query by {@code _id} is served by MongoDB's
 * own index; any other must have its equality fields and sort served by a catalog index of its
 * collection ({@link QueryShape} says how a filter reduces to those).
 */
public final class CatalogCoverage {

  private CatalogCoverage() {}

  private static String comment(BsonDocument body) {
    var c = body.get("comment");
    return c != null && c.isString() ? c.asString().getValue() : null;
  }

  /**
   * The recovery sweep's read: a range on {@code pendingEvents.occurredAt} within the partial
   * filter of that collection's {@code <collection>_pending_events} index (IndexCatalog).
   */
  private static boolean servedByPendingEventsIndex(QueryShape shape) {
    return shape.equality().isEmpty()
        && IndexCatalog.messaging().stream()
            .anyMatch(
                i ->
                    i.collection().equals(shape.collection())
                        && IndexCatalog.PENDING_EVENTS_FILTER.equals(i.partialFilter())
                        && shape.range().contains(i.keys().get(0).field())
                        && shape.range().contains(IndexCatalog.PENDING_EVENTS + ".0"));
  }

  /** The recorded reads on {@code collections} that no index serves, described for a message. */
  public static List<String> unserved(
      List<RecordedQueries.Recorded> recorded, Set<String> collections) {
    List<String> out = new ArrayList<>();
    for (RecordedQueries.Recorded r : recorded) {
      if (!collections.contains(r.collection())) {
        continue;
      }
      // The business metrics' start-up counts: once per start, never on a request path.
      if (BusinessMetrics.STARTUP_COMMENT.equals(comment(r.body()))) {
        continue;
      }
      if (r.command().equals("aggregate")) {
        out.add("aggregate is not allowed on request paths: " + r.body().toJson());
        continue;
      }
      BsonDocument body = r.body();
      BsonDocument filter =
          body.containsKey("filter")
              ? body.getDocument("filter")
              : body.getDocument("query", new BsonDocument());
      BsonDocument sort = body.containsKey("sort") ? body.getDocument("sort") : null;
      QueryShape shape = QueryShape.of(r.collection(), filter, sort);
      if (shape.equality().contains("_id")) {
        continue;
      }
      if (IndexCatalog.serving(r.collection(), shape.equality(), shape.sort()).isEmpty()
          && !servedByPendingEventsIndex(shape)) {
        out.add(r.collection() + " " + shape + " <- " + body.toJson());
      }
    }
    return out;
  }
}
