package io.kaleem.api.tickets;

import io.kaleem.api.pagination.Page;
import io.kaleem.api.pagination.PageParams;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@Tag(name = "tickets", description = "A merchant's support tickets (no DELETE: close instead)")
@RestController
@Validated
@RequestMapping("/api/v1/merchants/{merchantId}/tickets")
class TicketController {

  private final TicketService tickets;

  TicketController(TicketService tickets) {
    this.tickets = tickets;
  }

  @Operation(summary = "Open a ticket with the customer's first message")
  @PostMapping
  Mono<ResponseEntity<TicketView>> open(
      @PathVariable String merchantId, @Valid @RequestBody TicketRequests.Create body) {
    return tickets
        .open(merchantId, body)
        .map(t -> ResponseEntity.created(location(t)).body(TicketView.of(t)));
  }

  @Operation(
      summary =
          "List tickets (cursor-paginated; one of status, priority, assigneeId, customerId or q)")
  @GetMapping
  Mono<Page<TicketView>> list(
      @PathVariable String merchantId,
      @Valid @ParameterObject TicketListFilter filter,
      @ParameterObject PageParams page) {
    return tickets.list(merchantId, filter, page).map(p -> p.map(TicketView::summary));
  }

  @Operation(summary = "Get a ticket with its messages")
  @GetMapping("/{ticketId}")
  Mono<TicketView> get(@PathVariable String merchantId, @PathVariable String ticketId) {
    return tickets.get(merchantId, ticketId).map(TicketView::of);
  }

  @Operation(summary = "Change subject, priority or assignee (\"\" unassigns)")
  @PatchMapping("/{ticketId}")
  Mono<TicketView> update(
      @PathVariable String merchantId,
      @PathVariable String ticketId,
      @Valid @RequestBody TicketRequests.Update body) {
    return tickets.update(merchantId, ticketId, body).map(TicketView::of);
  }

  @Operation(summary = "Add a message (a customer's reply reopens a resolved ticket)")
  @PostMapping("/{ticketId}/messages")
  @ResponseStatus(HttpStatus.CREATED)
  Mono<TicketView> addMessage(
      @PathVariable String merchantId,
      @PathVariable String ticketId,
      @Valid @RequestBody TicketRequests.NewMessage body) {
    return tickets.addMessage(merchantId, ticketId, body).map(TicketView::of);
  }

  @Operation(summary = "Change a ticket's status (CLOSED is final)")
  @PostMapping("/{ticketId}/status")
  Mono<TicketView> changeStatus(
      @PathVariable String merchantId,
      @PathVariable String ticketId,
      @Valid @RequestBody TicketRequests.StatusChange body) {
    return tickets.changeStatus(merchantId, ticketId, body).map(TicketView::of);
  }

  private static URI location(Ticket t) {
    return URI.create("/api/v1/merchants/" + t.merchantId() + "/tickets/" + t.id().toHexString());
  }
}
