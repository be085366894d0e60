package io.kaleem.operator.indexes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * The in-process MongoDB-wire server cannot create views (its {@code listCollections} reports every
 * namespace as {@code type: collection}), so the decision is tested on the answer a real MongoDB
 * gives: {@code {name, type: "view", options: {viewOn, pipeline}}}.
 */
class CollectionsToSyncTest {

  private static Document collection(String name) {
    return new Document("name", name).append("type", "collection");
  }

  private static Document view(String name, String on) {
    return new Document("name", name)
        .append("type", "view")
        .append("options", new Document("viewOn", on).append("pipeline", List.of()));
  }

  @Test
  void aViewNamedLikeACataloguedCollectionIsSkippedNotIndexed() {
    var found =
        CollectionsToSync.of(
            List.of("orders", "products", "tickets"),
            List.of(
                view("orders", "orders_v2"),
                collection("orders_v2"),
                collection("products"),
                view("sales_report", "orders_v2")));
    // tickets is catalogued but not there yet: it is visited (its indexes create it)
    assertThat(found.names()).containsExactly("orders_v2", "products", "tickets");
    assertThat(found.views()).containsExactly("orders", "sales_report");
  }

  @Test
  void theOperatorsMarkerAndSystemCollectionsAreNotTheTenants() {
    var found =
        CollectionsToSync.of(
            List.of("orders"),
            List.of(
                collection("orders"),
                collection(IndexSyncService.MARKER_COLLECTION),
                collection("system.views"),
                collection("carts")));
    assertThat(found.names()).containsExactly("carts", "orders");
    assertThat(found.views()).isEmpty();
  }
}
