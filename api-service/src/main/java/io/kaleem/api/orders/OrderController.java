package io.kaleem.api.orders;

import io.kaleem.api.pagination.Page;
import io.kaleem.api.pagination.PageParams;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@Tag(name = "orders", description = "A merchant's orders (no DELETE: cancel instead)")
@RestController
@Validated
@RequestMapping("/api/v1/merchants/{merchantId}/orders")
class OrderController {

  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  static final String REPLAYED = "Idempotent-Replayed";

  private final OrderService orders;

  OrderController(OrderService orders) {
    this.orders = orders;
  }

  @Operation(
      summary = "Place an order",
      description =
          "Prices and totals come from the current product prices; stock is reserved. A retry"
              + " with the same Idempotency-Key returns the first order (200,"
              + " Idempotent-Replayed: true).")
  @PostMapping
  Mono<ResponseEntity<OrderView>> place(
      @PathVariable String merchantId,
      @Parameter(description = "1-64 letters, digits, '_' or '-'")
          @RequestHeader(name = IDEMPOTENCY_KEY, required = false)
          String idempotencyKey,
      @Valid @RequestBody OrderRequests.Create body) {
    return orders
        .place(merchantId, body, idempotencyKey)
        .map(
            placed -> {
              OrderView view = OrderView.of(placed.order());
              if (placed.replayed()) {
                return ResponseEntity.ok().header(REPLAYED, "true").body(view);
              }
              return ResponseEntity.created(
                      URI.create("/api/v1/merchants/" + view.merchantId() + "/orders/" + view.id()))
                  .body(view);
            });
  }

  @Operation(summary = "List orders (cursor-paginated; one of status, customerId or q)")
  @GetMapping
  Mono<Page<OrderView>> list(
      @PathVariable String merchantId,
      @Valid @ParameterObject OrderListFilter filter,
      @ParameterObject PageParams page) {
    return orders.list(merchantId, filter, page).map(p -> p.map(OrderView::of));
  }

  @Operation(summary = "Get an order")
  @GetMapping("/{orderId}")
  Mono<OrderView> get(@PathVariable String merchantId, @PathVariable String orderId) {
    return orders.get(merchantId, orderId).map(OrderView::of);
  }

  @Operation(summary = "Change an order's status (cancelling returns the stock)")
  @PostMapping("/{orderId}/status")
  Mono<OrderView> changeStatus(
      @PathVariable String merchantId,
      @PathVariable String orderId,
      @Valid @RequestBody OrderRequests.StatusChange body) {
    return orders.changeStatus(merchantId, orderId, body).map(OrderView::of);
  }
}
