package io.kaleem.api.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.Tokens;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/** Issue 16 item 6: concurrent moves never make a cycle. */
@ApiTest
class CategoryMoveConcurrencyTest {

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;
  @Autowired Tokens tokens;
  @LocalServerPort int port;

  @Test
  void aUnderBAndBUnderAAtOnceLetsExactlyOneThrough() {
    Fixtures f = new Fixtures(http, mongo);
    String m = f.merchant();
    WebClient client = tokens.adminClient(port);
    for (int round = 0; round < 10; round++) {
      String a = (String) f.category(m, "a-" + round).get("id");
      String b = (String) f.category(m, "b-" + round).get("id");
      List<Integer> statuses =
          Mono.zip(move(client, m, a, b), move(client, m, b, a), List::of).block();
      assertThat(statuses).containsExactlyInAnyOrder(200, 409);
      for (String id : List.of(a, b)) {
        Document c = category(id);
        assertThat(c.getList("ancestors", String.class)).doesNotContain(id);
      }
      Document moved = category(statuses.get(0) == 200 ? a : b);
      String parent = moved.getString("parentId");
      assertThat(category(parent).getString("parentId")).as("no parent cycle").isNull();
    }
  }

  private Mono<Integer> move(WebClient client, String m, String id, String parent) {
    return client
        .patch()
        .uri("/api/v1/merchants/{m}/categories/{id}", m, id)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("parentId", parent))
        .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()));
  }

  private Document category(String id) {
    return mongo
        .findOne(
            new Query(Criteria.where("_id").is(new ObjectId(id))), Document.class, "categories")
        .block();
  }
}
