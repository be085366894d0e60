package io.kaleem.api.orders;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * What clients may send about an order. Prices, totals, number, status and history are never
 * accepted: the server computes them (unknown fields are 400).
 */
public final class OrderRequests {

  static final String OBJECT_ID = "^[0-9a-fA-F]{24}$";
  static final String ID_MESSAGE = "must be a 24-character hexadecimal id";

  private OrderRequests() {}

  /**
   * Place an order.
   *
   * @param customerId the ordering customer (an ACTIVE user with role CUSTOMER)
   * @param items 1 to 50 lines, each product at most once
   * @param shippingAddress where to deliver
   * @param note a note from the customer
   */
  public record Create(
      @NotNull @Pattern(regexp = OBJECT_ID, message = ID_MESSAGE) String customerId,
      @NotNull @Size(min = 1, max = 50) List<@NotNull @Valid Line> items,
      @Valid ShippingAddress shippingAddress,
      @Size(max = 1000) String note) {}

  /**
   * One line of a new order.
   *
   * @param productId an ACTIVE product of the merchant
   * @param quantity 1 to 100
   */
  public record Line(
      @NotNull @Pattern(regexp = OBJECT_ID, message = ID_MESSAGE) String productId,
      @NotNull @Min(1) @Max(100) Integer quantity) {}

  /**
   * Move an order to another status.
   *
   * @param status the status wanted
   * @param reason why (kept in the status history)
   */
  public record StatusChange(@NotNull OrderStatus status, @Size(max = 500) String reason) {}
}
