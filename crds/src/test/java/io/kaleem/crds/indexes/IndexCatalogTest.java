package io.kaleem.crds.indexes;

import static io.kaleem.crds.indexes.IndexKey.asc;
import static io.kaleem.crds.indexes.IndexKey.desc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class IndexCatalogTest {

  @Test
  void countsMatchTheSeedReport() {
    Map<String, Long> perCollection =
        IndexCatalog.defaults().stream()
            .collect(Collectors.groupingBy(IndexDefinition::collection, Collectors.counting()));
    assertThat(perCollection)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "products", 8L,
                "users", 6L,
                "orders", 6L,
                "merchants", 6L,
                "categories", 6L,
                "tickets", 7L,
                "plans", 5L));
    assertThat(IndexCatalog.defaults()).hasSize(44);
    assertThat(IndexCatalog.defaults().stream().filter(i -> i.role() == IndexRole.TEXT))
        .hasSize(7)
        .allSatisfy(i -> assertThat(i.fields()).contains(IndexCatalog.SEARCH_FIELD));
  }

  @Test
  void theSecurityCollectionsIndexesComeBesideTheCatalogAndOnlyRefreshTokensExpire() {
    assertThat(IndexCatalog.security())
        .extracting(IndexDefinition::name)
        .containsExactly(
            "credentials_user",
            "refresh_tokens_hash",
            "refresh_tokens_family",
            "refresh_tokens_expiry");
    assertThat(IndexCatalog.all()).hasSize(56).containsAll(IndexCatalog.defaults());
    assertThat(IndexCatalog.security().stream().filter(i -> i.expireAfterSeconds() != null))
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.fields()).containsExactly("expiresAt");
              assertThat(i.expireAfterSeconds()).isZero();
            });
  }

  @Test
  void aTtlIndexHasOneFieldAndNoNegativeExpiry() {
    assertThatThrownBy(
            () ->
                new IndexDefinition(
                    "c",
                    "bad",
                    List.of(asc("a"), asc("b")),
                    false,
                    IndexRole.COMPOUND,
                    null,
                    null,
                    "x",
                    0L))
        .hasMessageContaining("TTL index bad");
    assertThatThrownBy(
            () ->
                new IndexDefinition(
                    "c", "bad", List.of(asc("a")), false, IndexRole.COMPOUND, null, null, "x", -1L))
        .hasMessageContaining("TTL index bad");
  }

  @Test
  void namesAreUniqueAndEveryIndexSaysWhatItServes() {
    List<IndexDefinition> all = IndexCatalog.all();
    assertThat(all.stream().map(IndexDefinition::name).distinct()).hasSize(all.size());
    assertThat(all).allSatisfy(i -> assertThat(i.serves()).isNotBlank());
  }

  @Test
  void servesEqualityThenSortAsPrefixInEitherDirection() {
    IndexDefinition idx =
        IndexCatalog.forCollection("products").stream()
            .filter(i -> i.name().equals("products_merchant_status_created"))
            .findFirst()
            .orElseThrow();
    List<IndexKey> newest = List.of(desc("createdAt"), desc("_id"));
    List<IndexKey> oldest = List.of(asc("createdAt"), asc("_id"));
    assertThat(idx.serves(Set.of("status", "merchantId"), newest)).isTrue();
    assertThat(idx.serves(Set.of("status", "merchantId"), oldest)).isTrue();
    assertThat(idx.serves(Set.of("merchantId"), newest)).isFalse();
    assertThat(idx.serves(Set.of("status", "merchantId"), List.of(asc("price"), asc("_id"))))
        .isFalse();
    assertThat(idx.serves(Set.of("merchantId", "status"), List.of(desc("createdAt"), asc("_id"))))
        .isFalse();
    assertThat(idx.serves(Set.of("merchantId", "status"), List.of())).isTrue();
  }

  @Test
  void findsTheServingIndex() {
    assertThat(
            IndexCatalog.serving(
                "tickets", Set.of("merchantId", "assigneeId"), List.of(desc("createdAt"))))
        .map(IndexDefinition::name)
        .contains("tickets_merchant_assignee_created");
    assertThat(IndexCatalog.serving("tickets", Set.of("merchantId", "sku"), List.of())).isEmpty();
  }

  @Test
  void rejectsMalformedDefinitions() {
    assertThatThrownBy(() -> new IndexKey("$where", 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new IndexKey("a", 2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new IndexDefinition(
                    "c",
                    "n",
                    List.of(asc("a"), desc("a")),
                    false,
                    IndexRole.COMPOUND,
                    null,
                    null,
                    "x",
                    null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new IndexDefinition(
                    "c", "n", List.of(), false, IndexRole.COMPOUND, null, null, "x", null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theMessagingCollectionsServeTheRelayAndExpireWhatIsDone() {
    assertThat(IndexCatalog.messaging())
        .extracting(IndexDefinition::name)
        .containsExactly(
            "outbox_pending",
            "outbox_expiry",
            "processed_events_expiry",
            "orders_pending_events",
            "products_pending_events",
            "tickets_pending_events",
            "merchants_pending_events",
            "notifications_pending_events");
    // Only documents still holding events are indexed: next to nothing.
    assertThat(IndexCatalog.messaging().stream().filter(i -> i.name().endsWith("_pending_events")))
        .allSatisfy(
            i -> {
              assertThat(i.partialFilter()).isEqualTo(IndexCatalog.PENDING_EVENTS_FILTER);
              assertThat(i.keys())
                  .extracting(k -> k.field())
                  .containsExactly("pendingEvents.occurredAt");
            });
    assertThat(IndexCatalog.messaging().stream().filter(i -> i.expireAfterSeconds() != null))
        .extracting(IndexDefinition::name)
        .containsExactly("outbox_expiry", "processed_events_expiry");
  }
}
