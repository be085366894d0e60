package io.kaleem.api.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.RecordedQueries;
import java.util.List;
import java.util.Map;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The cached read paths over HTTP on the shared test application (real Redis on 6379 under this
 * context's own key prefix): what reaches MongoDB is counted from the driver's own command events.
 */
@ApiTest
class CacheApiTest {

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;
  @Autowired RecordedQueries queries;
  @Autowired TwoLevelCache cache;
  @Autowired ReactiveStringRedisTemplate redis;
  @Autowired io.kaleem.api.support.Tokens tokens;
  @LocalServerPort int port;

  Fixtures fixtures;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(http, mongo);
  }

  /**
   * Reads the API made for one document of a collection: a find whose filter names its id within a
   * merchant (every read on the API's behalf is scoped by merchant; the outbox's move of a written
   * document's pending events reads it by id alone and is not a cache miss).
   */
  long loads(String collection, String id) {
    return queries.all().stream()
        .filter(q -> q.command().equals("find") && q.collection().equals(collection))
        .filter(q -> q.body().toJson().contains(id) && q.body().toJson().contains("merchantId"))
        .count();
  }

  long listLoads(String merchantId) {
    return queries.all().stream()
        .filter(q -> q.command().equals("find") && q.collection().equals("products"))
        .filter(q -> q.body().toJson().contains(merchantId) && !q.body().toJson().contains("$oid"))
        .count();
  }

  String product(String m, String sku) {
    return (String) fixtures.product(m, sku, "10.00", 5).get("id");
  }

  @Test
  void aProductIsReadOnceAndAWriteIsReadBackAtOnce() {
    String m = fixtures.merchant();
    String p = product(m, "C-1");
    String path = "/api/v1/merchants/" + m + "/products/" + p;
    fixtures.getJson(path);
    fixtures.getJson(path);
    fixtures.getJson(path);
    assertThat(loads("products", p)).isEqualTo(1);
    assertThat(cache.inL1("product:" + m + ":" + p)).isTrue();

    http.patch()
        .uri(path)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("price", 12.5))
        .exchange()
        .expectStatus()
        .isOk();
    assertThat(fixtures.getJson(path).get("price")).isEqualTo(12.5);
  }

  @Test
  void aThousandConcurrentReadsOfAColdKeyLoadItOnce() {
    String m = fixtures.merchant();
    String p = product(m, "HOT-1");
    String url = "http://127.0.0.1:" + port + "/api/v1/merchants/" + m + "/products/" + p;
    ConnectionProvider pool =
        ConnectionProvider.builder("stampede")
            .maxConnections(1000)
            .pendingAcquireMaxCount(-1)
            .build();
    HttpClient client =
        HttpClient.create(pool).headers(h -> h.set("Authorization", tokens.admin().bearer()));
    try {
      List<Integer> statuses =
          Flux.range(0, 1000)
              .flatMap(
                  i ->
                      client
                          .get()
                          .uri(url)
                          .responseSingle((r, body) -> body.then(Mono.just(r.status().code()))),
                  1000)
              .collectList()
              .block(java.time.Duration.ofMinutes(2));
      assertThat(statuses).hasSize(1000).containsOnly(200);
    } finally {
      pool.dispose();
    }
    assertThat(loads("products", p)).isEqualTo(1);
  }

  @Test
  void notFoundIsRememberedSoMissingIdsDoNotReachTheDatabase() {
    String m = fixtures.merchant();
    String missing = new ObjectId().toHexString();
    for (int i = 0; i < 3; i++) {
      http.get()
          .uri("/api/v1/merchants/{m}/products/{p}", m, missing)
          .exchange()
          .expectStatus()
          .isNotFound();
    }
    assertThat(loads("products", missing)).isEqualTo(1);
  }

  @Test
  void firstPagesAreCachedUntilAProductOfTheMerchantChanges() {
    String m = fixtures.merchant();
    product(m, "P-1");
    String list = "/api/v1/merchants/" + m + "/products";
    assertThat((List<?>) fixtures.getJson(list).get("data")).hasSize(1);
    long before = listLoads(m);
    assertThat((List<?>) fixtures.getJson(list).get("data")).hasSize(1);
    assertThat(listLoads(m)).isEqualTo(before);

    String second = product(m, "P-2");
    assertThat((List<?>) fixtures.getJson(list).get("data")).hasSize(2);
    http.delete().uri(list + "/" + second).exchange().expectStatus().isNoContent();
    assertThat((List<?>) fixtures.getJson(list).get("data")).hasSize(1);
  }

  @Test
  void theCategoryTreeFollowsCategoryWrites() {
    String m = fixtures.merchant();
    fixtures.category(m, "shoes");
    String tree = "/api/v1/merchants/" + m + "/categories/tree";
    http.get()
        .uri(tree)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.length()")
        .isEqualTo(1);
    assertThat(cache.inL1("category-tree:" + m)).isTrue();
    fixtures.category(m, "bags");
    http.get()
        .uri(tree)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.length()")
        .isEqualTo(2);
  }

  @Test
  void anUnreadableL2ValueIsAMissNeverAnError() {
    String m = fixtures.merchant();
    String p = product(m, "BAD-1");
    String key = "product:" + m + ":" + p;
    redis.opsForValue().set(cache.redisKey(key), "not a cached value").block();
    assertThat(fixtures.getJson("/api/v1/merchants/" + m + "/products/" + p).get("sku"))
        .isEqualTo("BAD-1");
    assertThat(loads("products", p)).isEqualTo(1);
  }

  @Test
  void adminsEvictKeysAndPrefixesAndSeeStats() {
    String m = fixtures.merchant();
    String p = product(m, "ADM-1");
    String path = "/api/v1/merchants/" + m + "/products/" + p;
    fixtures.getJson(path);
    http.get()
        .uri("/admin/cache/stats")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.cache.l1.entries")
        .value(n -> assertThat(((Number) n).longValue()).isPositive());

    http.delete()
        .uri("/admin/cache/keys/product:" + m + ":" + p)
        .exchange()
        .expectStatus()
        .isNoContent();
    assertThat(cache.inL1("product:" + m + ":" + p)).isFalse();
    fixtures.getJson(path);
    assertThat(loads("products", p)).isEqualTo(2);

    http.delete()
        .uri("/admin/cache/prefixes/product:" + m)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.deletedFromL2")
        .value(n -> assertThat(((Number) n).longValue()).isPositive());
    assertThat(cache.inL1("product:" + m + ":" + p)).isFalse();
  }

  @Test
  void malformedKeysAndUnconfirmedFlushesAreRefused() {
    for (String bad : List.of("product:*", "product", "Product:x", "product:a%20b")) {
      http.delete()
          .uri("/admin/cache/keys/" + bad)
          .exchange()
          .expectStatus()
          .isBadRequest()
          .expectBody()
          .jsonPath("$.type")
          .value(t -> assertThat((String) t).as(bad).matches(".*/(validation|malformed-request)"));
    }
    http.delete().uri("/admin/cache/prefixes/*").exchange().expectStatus().isBadRequest();
    http.delete().uri("/admin/cache/prefixes/plan*").exchange().expectStatus().isBadRequest();
    http.delete().uri("/admin/cache/prefixes/*?confirm=all").exchange().expectStatus().isOk();
  }

  @Test
  void anAdministratorCanRunAWarming() {
    String m = fixtures.merchant();
    product(m, "W-1");
    fixtures.category(m, "warm");
    http.post()
        .uri("/admin/cache/warm")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.result")
        .isEqualTo("completed")
        .jsonPath("$.keys")
        .value(n -> assertThat(((Number) n).longValue()).isPositive());
    assertThat(cache.inL1("category-tree:" + m)).isTrue();
  }
}
