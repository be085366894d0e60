package io.kaleem.api.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.api.tickets.TicketStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderRulesTest {

  static final String A = "0123456789abcdef01234567";
  static final String B = "0123456789abcdef01234568";
  static final String C = "aaaaaaaaaaaaaaaaaaaaaaaa";

  static OrderRequests.Create create(List<OrderRequests.Line> lines, String note) {
    return new OrderRequests.Create(C, lines, null, note);
  }

  static String hash(List<OrderRequests.Line> lines, String note) {
    return OrderService.requestHash(C, lines, create(lines, note));
  }

  @Test
  void requestHashIgnoresLineOrderButNotContent() {
    var ab = List.of(new OrderRequests.Line(A, 1), new OrderRequests.Line(B, 2));
    var ba = List.of(new OrderRequests.Line(B, 2), new OrderRequests.Line(A, 1));
    assertThat(hash(ab, null)).isEqualTo(hash(ba, null)).hasSize(64);
    assertThat(hash(ab, null))
        .isNotEqualTo(
            hash(List.of(new OrderRequests.Line(A, 2), new OrderRequests.Line(B, 1)), null))
        .isNotEqualTo(hash(ab, "note"))
        .isNotEqualTo(hash(ab, ""))
        .isNotEqualTo(hash(List.of(new OrderRequests.Line(A, 1)), null));
    var withAddress =
        new OrderRequests.Create(
            C, ab, new ShippingAddress("R", null, "L1", null, "City", null, null, "SA"), null);
    assertThat(OrderService.requestHash(C, ab, withAddress)).isNotEqualTo(hash(ab, null));
  }

  @Test
  void orderStatusMachine() {
    assertThat(OrderStatus.PENDING.next())
        .containsExactlyInAnyOrder(OrderStatus.PAID, OrderStatus.CANCELLED);
    assertThat(OrderStatus.PAID.next())
        .containsExactlyInAnyOrder(OrderStatus.SHIPPED, OrderStatus.CANCELLED);
    assertThat(OrderStatus.SHIPPED.next()).containsExactly(OrderStatus.DELIVERED);
    assertThat(OrderStatus.DELIVERED.next()).isEmpty();
    assertThat(OrderStatus.CANCELLED.next()).isEmpty();
    for (OrderStatus s : OrderStatus.values()) {
      assertThat(s.canMoveTo(s)).isFalse();
    }
  }

  @Test
  void ticketStatusMachine() {
    assertThat(TicketStatus.OPEN.next())
        .containsExactlyInAnyOrder(
            TicketStatus.PENDING, TicketStatus.RESOLVED, TicketStatus.CLOSED);
    assertThat(TicketStatus.PENDING.next())
        .containsExactlyInAnyOrder(TicketStatus.OPEN, TicketStatus.RESOLVED, TicketStatus.CLOSED);
    assertThat(TicketStatus.RESOLVED.next())
        .containsExactlyInAnyOrder(TicketStatus.OPEN, TicketStatus.CLOSED);
    assertThat(TicketStatus.CLOSED.next()).isEmpty();
    for (TicketStatus s : TicketStatus.values()) {
      assertThat(s.canMoveTo(s)).isFalse();
      if (s != TicketStatus.CLOSED) {
        assertThat(s.canMoveTo(TicketStatus.CLOSED)).isTrue();
      }
    }
  }
}
