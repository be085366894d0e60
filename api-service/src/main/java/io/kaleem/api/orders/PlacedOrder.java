package io.kaleem.api.orders;

/**
 * The outcome of placing an order.
 *
 * @param order the order
 * @param replayed true when an earlier request with the same Idempotency-Key placed it
 */
public record PlacedOrder(Order order, boolean replayed) {}
