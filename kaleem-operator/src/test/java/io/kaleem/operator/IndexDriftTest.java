package io.kaleem.operator;

import static io.kaleem.operator.OperatorHarness.condition;
import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import io.kaleem.crds.indexes.IndexCatalog;
import io.kaleem.crds.v1alpha1.KaleemTenant;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.operator.status.Conditions;
import java.util.List;
import java.util.Optional;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class IndexDriftTest {

  static OperatorHarness h;
  static MongoClient mongo;

  @BeforeAll
  static void up() throws Exception {
    h = OperatorHarness.start();
    mongo = MongoClients.create(h.mongoUri);
  }

  @AfterAll
  static void down() {
    mongo.close();
    h.close();
  }

  static Optional<Document> index(MongoDatabase db, String coll, String name) {
    for (Document d : db.getCollection(coll).listIndexes()) {
      if (name.equals(d.getString("name"))) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  @Test
  void driftIsRepairedOrReportedPerPolicy() {
    int catalog = IndexCatalog.all().size();
    h.createMongoSecret("idx-mongo", h.mongoUri);
    KaleemTenantSpec spec = OperatorHarness.spec("idx");
    KaleemTenantSpec.Index extra = new KaleemTenantSpec.Index();
    extra.collection = "orders";
    extra.name = "orders_note";
    extra.keys = List.of(new KaleemTenantSpec.IndexField("note", 1));
    spec.database.indexes = List.of(extra);
    h.create("idx", spec);
    KaleemTenant t = h.await("idx", condition(Conditions.INDEXES_READY, "True", "Synced"));
    assertThat(t.getStatus().indexes.managed).isEqualTo(catalog + 1);
    assertThat(t.getStatus().indexes.created).isEqualTo(catalog + 1);
    MongoDatabase db = mongo.getDatabase("idx_db");
    assertThat(index(db, "orders", "orders_note")).isPresent();

    // 1. A catalog index dropped by hand is created again.
    db.getCollection("products").dropIndex("products_merchant_sku");
    t = h.await("idx", x -> x.getStatus().indexes.created == catalog + 2);
    assertThat(index(db, "products", "products_merchant_sku").orElseThrow().getBoolean("unique"))
        .isTrue();

    // 2. An unmanaged index is reported (policy Report) and left alone.
    db.getCollection("products")
        .createIndex(new Document("legacy", 1), new IndexOptions().name("legacy_1"));
    t = h.await("idx", condition(Conditions.INDEXES_READY, "True", "UnmanagedIndexesReported"));
    assertThat(t.getStatus().indexes.unmanaged).isEqualTo(1);
    assertThat(
            Conditions.find(t.getStatus().conditions, Conditions.INDEXES_READY)
                .orElseThrow()
                .getMessage())
        .contains("products.legacy_1");
    assertThat(index(db, "products", "legacy_1")).isPresent();

    // 3. A changed definition in the spec rebuilds the index under the same name.
    h.editSpec(
        "idx",
        s -> s.database.indexes.get(0).keys = List.of(new KaleemTenantSpec.IndexField("note", -1)));
    t = h.await("idx", x -> x.getStatus().indexes.rebuilt == 1);
    assertThat(index(db, "orders", "orders_note").orElseThrow().get("key", Document.class))
        .isEqualTo(new Document("note", -1));

    // 4. A catalog index changed by hand (same name, other keys/options) is rebuilt.
    db.getCollection("users").dropIndex("users_email");
    db.getCollection("users")
        .createIndex(new Document("email", -1), new IndexOptions().name("users_email"));
    t = h.await("idx", x -> x.getStatus().indexes.rebuilt == 2);
    Document usersEmail = index(db, "users", "users_email").orElseThrow();
    assertThat(usersEmail.get("key", Document.class)).isEqualTo(new Document("email", 1));
    assertThat(usersEmail.getBoolean("unique")).isTrue();

    // 5. Policy Drop removes the unmanaged index.
    h.editSpec(
        "idx", s -> s.database.unmanagedIndexes = KaleemTenantSpec.UnmanagedIndexPolicy.Drop);
    t = h.await("idx", x -> x.getStatus().indexes.dropped == 1);
    assertThat(index(db, "products", "legacy_1")).isEmpty();
    t = h.await("idx", condition(Conditions.INDEXES_READY, "True", "Synced"));
    assertThat(t.getStatus().indexes.unmanaged).isZero();
  }
}
