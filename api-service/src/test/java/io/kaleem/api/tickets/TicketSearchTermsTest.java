package io.kaleem.api.tickets;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TicketSearchTermsTest {

  static Ticket.Message message(String body) {
    return new Ticket.Message("m", "a", body, Instant.EPOCH);
  }

  @Test
  void appendingTermsEqualsRecomputingFromTheWholeConversation() {
    List<Ticket.Message> messages = new ArrayList<>();
    messages.add(message("first message about a broken lamp"));
    List<String> stored = TicketService.searchTerms("Lamp trouble", messages);
    for (int i = 0; i < 120; i++) {
      String body = "reply " + i + " word" + i + " تحديث" + i + " extraordinarily" + i;
      stored = TicketService.withTerms(stored, body);
      messages.add(message(body));
      assertThat(stored).isEqualTo(TicketService.searchTerms("Lamp trouble", messages));
    }
    assertThat(stored).hasSize(TicketService.MAX_SEARCH_TERMS);
    assertThat(stored.subList(0, 4)).containsExactly("la", "lam", "lamp", "tr");
  }
}
