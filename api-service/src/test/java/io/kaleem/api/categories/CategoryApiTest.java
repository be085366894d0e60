package io.kaleem.api.categories;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

@ApiTest
class CategoryApiTest {

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;
  String merchant;
  Fixtures fixtures;

  @BeforeEach
  void setUp() {
    fixtures = new Fixtures(http, mongo);
    merchant = fixtures.merchant();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> create(String slug, String parentId, int sortOrder) {
    var body = new java.util.HashMap<String, Object>();
    body.put("name", Map.of("ar", "فئة " + slug, "en", "Category " + slug));
    body.put("slug", slug);
    body.put("sortOrder", sortOrder);
    if (parentId != null) {
      body.put("parentId", parentId);
    }
    return http.post()
        .uri("/api/v1/merchants/{m}/categories", merchant)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body)
        .exchange()
        .expectStatus()
        .isCreated()
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }

  private Map<String, Object> get(String id) {
    return fixtures.getJson("/api/v1/merchants/" + merchant + "/categories/" + id);
  }

  @Test
  void buildsATreeAndMovesASubtreeKeepingAncestorsConsistent() {
    String a = (String) create("a", null, 1).get("id");
    String b = (String) create("b", null, 0).get("id");
    String a1 = (String) create("a1", a, 0).get("id");
    String a11 = (String) create("a11", a1, 0).get("id");
    assertThat(get(a11)).containsEntry("depth", 2).containsEntry("ancestors", List.of(a, a1));

    // Move a1 (with a11) under b.
    http.patch()
        .uri("/api/v1/merchants/{m}/categories/{id}", merchant, a1)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("parentId", b))
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.ancestors[0]")
        .isEqualTo(b);
    assertThat(get(a11)).containsEntry("depth", 2).containsEntry("ancestors", List.of(b, a1));

    // Tree: roots in sortOrder (b before a), b has a1 which has a11.
    http.get()
        .uri("/api/v1/merchants/{m}/categories/tree", merchant)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$[0].slug")
        .isEqualTo("b")
        .jsonPath("$[0].children[0].slug")
        .isEqualTo("a1")
        .jsonPath("$[0].children[0].children[0].slug")
        .isEqualTo("a11")
        .jsonPath("$[1].slug")
        .isEqualTo("a")
        .jsonPath("$[1].children.length()")
        .isEqualTo(0);

    // Moving under its own subtree is refused; moving to root works.
    http.patch()
        .uri("/api/v1/merchants/{m}/categories/{id}", merchant, a1)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("parentId", a11))
        .exchange()
        .expectStatus()
        .isEqualTo(409);
    http.patch()
        .uri("/api/v1/merchants/{m}/categories/{id}", merchant, a1)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("parentId", "root"))
        .exchange()
        .expectStatus()
        .isOk();
    assertThat(get(a11)).containsEntry("depth", 1).containsEntry("ancestors", List.of(a1));

    // Children of a root, in sort order (ties broken by id: b was created before a1).
    http.get()
        .uri(
            u ->
                u.path("/api/v1/merchants/{m}/categories")
                    .queryParam("parentId", "root")
                    .build(merchant))
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.data[*].slug")
        .value(s -> assertThat(s).isEqualTo(List.of("b", "a1", "a")));
  }

  @Test
  void deleteRefusesCategoriesInUseAndDeletesLeaves() {
    String parent = (String) create("p", null, 0).get("id");
    String child = (String) create("c", parent, 0).get("id");
    http.delete()
        .uri("/api/v1/merchants/{m}/categories/{id}", merchant, parent)
        .exchange()
        .expectStatus()
        .isEqualTo(409);
    fixtures.product(
        merchant,
        Map.of(
            "sku",
            "C-1",
            "name",
            Map.of("en", "x"),
            "price",
            1,
            "currency",
            "SAR",
            "categoryId",
            child));
    http.delete()
        .uri("/api/v1/merchants/{m}/categories/{id}", merchant, child)
        .exchange()
        .expectStatus()
        .isEqualTo(409);
    String leaf = (String) create("leaf", parent, 1).get("id");
    http.delete()
        .uri("/api/v1/merchants/{m}/categories/{id}", merchant, leaf)
        .exchange()
        .expectStatus()
        .isNoContent();
    http.get()
        .uri("/api/v1/merchants/{m}/categories/{id}", merchant, leaf)
        .exchange()
        .expectStatus()
        .isNotFound();
  }

  @Test
  void rejectsBadInput() {
    create("dup", null, 0);
    http.post()
        .uri("/api/v1/merchants/{m}/categories", merchant)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("name", Map.of("en", "x"), "slug", "dup"))
        .exchange()
        .expectStatus()
        .isEqualTo(409);
    http.post()
        .uri("/api/v1/merchants/{m}/categories", merchant)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("name", Map.of("en", "x"), "slug", "Bad Slug!"))
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.errors[0].field")
        .isEqualTo("slug");
    http.post()
        .uri("/api/v1/merchants/{m}/categories", merchant)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(
            Map.of(
                "name",
                Map.of("en", "x"),
                "slug",
                "orphan",
                "parentId",
                "0123456789abcdef01234567"))
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.errors[0].field")
        .isEqualTo("parentId");
    // A category of another merchant cannot be a parent, nor be seen.
    String otherMerchant = fixtures.merchant();
    Fixtures other = new Fixtures(http, mongo);
    String foreign = (String) other.category(otherMerchant, "foreign").get("id");
    http.post()
        .uri("/api/v1/merchants/{m}/categories", merchant)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("name", Map.of("en", "x"), "slug", "x", "parentId", foreign))
        .exchange()
        .expectStatus()
        .isBadRequest();
    http.get()
        .uri("/api/v1/merchants/{m}/categories/{id}", merchant, foreign)
        .exchange()
        .expectStatus()
        .isNotFound();
    // Too deep.
    String parent = null;
    for (int depth = 0; depth <= 5; depth++) {
      parent = (String) create("d" + depth, parent, 0).get("id");
    }
    http.post()
        .uri("/api/v1/merchants/{m}/categories", merchant)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("name", Map.of("en", "x"), "slug", "too-deep", "parentId", parent))
        .exchange()
        .expectStatus()
        .isBadRequest();
  }
}
