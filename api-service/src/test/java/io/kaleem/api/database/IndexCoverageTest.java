package io.kaleem.api.database;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.CatalogCoverage;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.RecordedQueries;
import io.kaleem.crds.indexes.IndexCatalog;
import io.kaleem.crds.indexes.IndexDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Every read the API sends to MongoDB is served by an index of the catalog (or by {@code _id}):
 * equality fields first, then the sort fields, as a prefix. The queries checked are the ones the
 * driver actually sent, while this test drives every list's filters and sorts and while the other
 * test classes in the same context ran.
 */
@ApiTest
class IndexCoverageTest {

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;
  @Autowired RecordedQueries recorded;

  @Test
  void everyQueryTheApiIssuesIsServedByACatalogIndex() {
    driveEveryListQuery();
    List<RecordedQueries.Recorded> all = recorded.all();
    Set<String> collections =
        IndexCatalog.defaults().stream()
            .map(IndexDefinition::collection)
            .collect(Collectors.toSet());
    List<String> uncovered = CatalogCoverage.unserved(all, collections);
    assertThat(all).as("the test drove queries").hasSizeGreaterThan(30);
    assertThat(uncovered).as("queries no catalog index serves").isEmpty();
  }

  /** Requests reaching every list query shape the API can produce. */
  private void driveEveryListQuery() {
    Fixtures fixtures = new Fixtures(http, mongo);
    String m = fixtures.merchant();
    String category = (String) fixtures.category(m, "cov").get("id");
    fixtures.product(
        m,
        Map.of(
            "sku",
            "COV-1",
            "name",
            Map.of("ar", "منتج", "en", "Item"),
            "price",
            1,
            "currency",
            "SAR",
            "categoryId",
            category,
            "tags",
            List.of("t1")));
    String p = "/api/v1/merchants/" + m + "/products";
    List<String> urls = new ArrayList<>();
    for (String sort : List.of("", "&sort=price", "&sort=-stock", "&sort=createdAt")) {
      urls.add(p + "?limit=1" + sort);
      urls.add(p + "?limit=1&status=ACTIVE" + sort);
    }
    urls.add(p + "?limit=1&categoryId=" + category);
    urls.add(p + "?limit=1&categoryId=" + category + "&sort=price");
    urls.add(p + "?limit=1&tag=t1");
    urls.add(p + "?limit=1&q=item");
    urls.add(p + "?limit=1&q=منتج&status=DRAFT");
    String c = "/api/v1/merchants/" + m + "/categories";
    urls.add(c + "?limit=1");
    urls.add(c + "?limit=1&parentId=root");
    urls.add(c + "?limit=1&parentId=" + category);
    urls.add(c + "?limit=1&q=cov");
    urls.add(c + "/tree");
    for (String url : urls) {
      walkTwoPages(url);
    }
  }

  @SuppressWarnings("unchecked")
  private void walkTwoPages(String url) {
    Object body =
        http.get()
            .uri(url)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(Object.class)
            .returnResult()
            .getResponseBody();
    if (body instanceof Map<?, ?> page && page.get("page") instanceof Map<?, ?> info) {
      Object prev = ((Map<String, Object>) info).get("nextCursor");
      if (prev != null) {
        http.get().uri(url + "&after=" + prev).exchange().expectStatus().isOk();
      }
    }
  }
}
