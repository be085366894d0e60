package io.kaleem.api.orders;

import jakarta.validation.constraints.Size;

/**
 * Filters of the order list; one at a time, as the index catalog's orders indexes allow.
 *
 * @param status orders in this status
 * @param customerId orders of this customer
 * @param q search by order number or customer name
 */
public record OrderListFilter(OrderStatus status, String customerId, @Size(max = 100) String q) {}
