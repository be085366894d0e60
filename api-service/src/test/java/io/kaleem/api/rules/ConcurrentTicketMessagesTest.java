package io.kaleem.api.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.Fixtures;
import io.kaleem.api.support.Tokens;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/** Issue 16 item 7: concurrent messages on one ticket are all kept. */
@ApiTest
class ConcurrentTicketMessagesTest {

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;
  @Autowired Tokens tokens;
  @LocalServerPort int port;

  @Test
  void aHundredConcurrentAppendsAllLand() {
    RuleSupport r = new RuleSupport(http);
    String m = new Fixtures(http, mongo).merchant();
    Tokens.Issued customer = tokens.customer();
    Tokens.Issued staff = tokens.staff(m);
    String ticket =
        (String)
            RuleSupport.json(
                    r.call(
                        HttpMethod.POST,
                        "/api/v1/merchants/" + m + "/tickets",
                        Map.of("subject", "Busy", "customerId", customer.userId(), "body", "Hi"),
                        customer.bearer()),
                    201)
                .get("id");
    WebClient client =
        WebClient.builder()
            .baseUrl("http://localhost:" + port)
            .defaultHeader(HttpHeaders.AUTHORIZATION, staff.bearer())
            .build();
    List<Integer> statuses =
        Flux.range(0, 100)
            .flatMap(
                i ->
                    client
                        .post()
                        .uri("/api/v1/merchants/{m}/tickets/{t}/messages", m, ticket)
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("authorId", staff.userId(), "body", "reply " + i))
                        .exchangeToMono(
                            resp -> resp.releaseBody().thenReturn(resp.statusCode().value())),
                100)
            .collectList()
            .block();
    assertThat(statuses).hasSize(100).containsOnly(201);
    Map<String, Object> stored =
        RuleSupport.json(
            r.call(HttpMethod.GET, "/api/v1/merchants/" + m + "/tickets/" + ticket, null, null),
            200);
    assertThat(stored).containsEntry("messageCount", 101);
    assertThat((List<?>) stored.get("messages")).hasSize(101);
  }
}
