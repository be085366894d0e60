package io.kaleem.operator;

import static io.kaleem.operator.OperatorHarness.NS;
import static io.kaleem.operator.OperatorHarness.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import io.kaleem.operator.status.Conditions;
import java.time.Duration;
import java.util.ArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DeletionPolicyTest {

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

  private void onboardAndDelete(String name, KaleemTenantSpec.DeletionPolicy policy) {
    h.createMongoSecret(name + "-mongo", h.mongoUri);
    KaleemTenantSpec spec = OperatorHarness.spec(name);
    spec.deletionPolicy = policy;
    h.create(name, spec);
    h.await(name, condition(Conditions.INDEXES_READY, "True", null));
    assertThat(collections(name)).isNotEmpty();
    h.tenants().inNamespace(NS).withName(name).delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> h.get(name) == null);
  }

  private static java.util.List<String> collections(String name) {
    return mongo.getDatabase(name + "_db").listCollectionNames().into(new ArrayList<>());
  }

  @Test
  void retainKeepsTheDatabase() {
    onboardAndDelete("keep", KaleemTenantSpec.DeletionPolicy.Retain);
    assertThat(collections("keep")).contains("products", "orders");
    assertThat(h.hasEvent("keep", "DatabaseRetained")).isTrue();
  }

  @Test
  void deleteDropsTheDatabase() {
    onboardAndDelete("gone", KaleemTenantSpec.DeletionPolicy.Delete);
    assertThat(collections("gone")).isEmpty();
    assertThat(h.hasEvent("gone", "DatabaseDropped")).isTrue();
  }
}
