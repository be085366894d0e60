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

  static List<Document> withKeys(MongoDatabase db, String coll, Document keys) {
    List<Document> out = new java.util.ArrayList<>();
    for (Document d : db.getCollection(coll).listIndexes()) {
      if (keys.equals(d.get("key", Document.class))) {
        out.add(d);
      }
    }
    return out;
  }

  static String message(KaleemTenant t) {
    return Conditions.find(t.getStatus().conditions, Conditions.INDEXES_READY)
        .map(c -> c.getMessage())
        .orElse("");
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

    // 3. A changed definition in the spec: the new index is built (under a new name) before the
    // old one is dropped, and from then on it is the managed one (found by its definition).
    h.editSpec(
        "idx",
        s -> s.database.indexes.get(0).keys = List.of(new KaleemTenantSpec.IndexField("note", -1)));
    t = h.await("idx", x -> x.getStatus().indexes.rebuilt == 1);
    assertThat(withKeys(db, "orders", new Document("note", -1))).hasSize(1);
    assertThat(withKeys(db, "orders", new Document("note", 1))).isEmpty();
    t =
        h.await(
            "idx",
            x -> message(x).contains("orders.orders_note is served by the equivalent index"));
    assertThat(
            Conditions.find(t.getStatus().conditions, Conditions.INDEXES_READY)
                .orElseThrow()
                .getStatus())
        .isEqualTo("True");

    // 4. A unique catalog index changed by hand is never rebuilt on the operator's own: the drift
    // is reported; the engineer confirms the rebuild with an annotation.
    db.getCollection("users").dropIndex("users_email");
    db.getCollection("users")
        .createIndex(new Document("email", -1), new IndexOptions().name("users_email"));
    t = h.await("idx", condition(Conditions.INDEXES_READY, "False", "IndexDrift"));
    assertThat(message(t)).contains("users.users_email").contains("kaleem.io/rebuild-indexes");
    assertThat(t.getStatus().indexes.rebuilt).isEqualTo(1);
    assertThat(index(db, "users", "users_email").orElseThrow().get("key", Document.class))
        .isEqualTo(new Document("email", -1));
    h.tenants()
        .inNamespace(OperatorHarness.NS)
        .withName("idx")
        .edit(
            x -> {
              var a = new java.util.HashMap<String, String>();
              if (x.getMetadata().getAnnotations() != null) {
                a.putAll(x.getMetadata().getAnnotations());
              }
              a.put("kaleem.io/rebuild-indexes", "users.users_email");
              x.getMetadata().setAnnotations(a);
              return x;
            });
    t = h.await("idx", x -> x.getStatus().indexes.rebuilt == 2);
    List<Document> email = withKeys(db, "users", new Document("email", 1));
    assertThat(email).singleElement().satisfies(d -> assertThat(d.getBoolean("unique")).isTrue());
    assertThat(index(db, "users", "users_email")).isEmpty();

    // 5. Policy Drop removes the unmanaged index.
    h.editSpec(
        "idx", s -> s.database.unmanagedIndexes = KaleemTenantSpec.UnmanagedIndexPolicy.Drop);
    t = h.await("idx", x -> x.getStatus().indexes.dropped == 1);
    assertThat(index(db, "products", "legacy_1")).isEmpty();
    t = h.await("idx", condition(Conditions.INDEXES_READY, "True", "Synced"));
    assertThat(t.getStatus().indexes.unmanaged).isZero();
  }

  @Test
  void aDatabaseMarkedAsAnotherTenantsLosesNothing() {
    MongoDatabase db = mongo.getDatabase("other_db");
    db.getCollection("kaleem_operator")
        .insertOne(new Document("_id", "owner").append("tenantUid", "someone-else"));
    db.getCollection("products")
        .createIndex(new Document("legacy", 1), new IndexOptions().name("legacy_1"));
    h.createMongoSecret("other-mongo", h.mongoUri);
    KaleemTenantSpec spec = OperatorHarness.spec("other");
    spec.database.name = "other_db";
    spec.database.unmanagedIndexes = KaleemTenantSpec.UnmanagedIndexPolicy.Drop;
    h.create("other", spec);
    KaleemTenant t = h.await("other", condition(Conditions.INDEXES_READY, "False", "NotOwner"));
    assertThat(message(t)).contains("someone-else").contains("nothing is dropped");
    assertThat(t.getStatus().indexes.dropped).isZero();
    assertThat(index(db, "products", "legacy_1")).isPresent();
    // Missing indexes are still created: creating never loses anything.
    assertThat(index(db, "products", "products_merchant_sku")).isPresent();
  }
}
