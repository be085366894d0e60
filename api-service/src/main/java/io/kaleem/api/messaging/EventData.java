package io.kaleem.api.messaging;

import io.kaleem.api.merchants.Merchant;
import io.kaleem.api.orders.Order;
import io.kaleem.api.products.Product;
import io.kaleem.api.tickets.Ticket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code data} of each event type, built from the stored document after the change: what a
 * dashboard shows and the consumers need, never secrets or free text beyond names and subjects
 * (docs/EVENTS.md lists each field).
 */
public final class EventData {

  private EventData() {}

  public static Map<String, Object> order(Order o, String previousStatus) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("orderId", o.id().toHexString());
    d.put("number", o.number());
    d.put("customerId", o.customerId());
    d.put("status", o.status().name());
    if (previousStatus != null) {
      d.put("previousStatus", previousStatus);
    }
    d.put("currency", o.currency());
    d.put("total", o.total());
    List<Map<String, Object>> items =
        o.items().stream()
            .map(
                i -> {
                  Map<String, Object> item = new LinkedHashMap<>();
                  item.put("productId", i.productId());
                  item.put("sku", i.sku());
                  item.put("quantity", i.quantity());
                  return item;
                })
            .toList();
    d.put("items", items);
    return d;
  }

  public static Map<String, Object> product(Product p) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("productId", p.id().toHexString());
    d.put("sku", p.sku());
    d.put("name", p.name() == null ? null : p.name().en());
    d.put("price", p.price());
    d.put("currency", p.currency());
    d.put("stock", p.stock());
    d.put("status", p.status() == null ? null : p.status().name());
    return d;
  }

  public static Map<String, Object> stockLow(Product p, int threshold) {
    Map<String, Object> d = product(p);
    d.put("threshold", threshold);
    return d;
  }

  public static Map<String, Object> ticket(Ticket t, String previousStatus) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("ticketId", t.id().toHexString());
    d.put("number", t.number());
    d.put("customerId", t.customerId());
    d.put("subject", t.subject());
    d.put("status", t.status() == null ? null : t.status().name());
    if (previousStatus != null) {
      d.put("previousStatus", previousStatus);
    }
    d.put("priority", t.priority() == null ? null : t.priority().name());
    d.put("assigneeId", t.assigneeId());
    d.put("messageCount", t.messageCount());
    return d;
  }

  public static Map<String, Object> ticketMessage(Ticket t) {
    Map<String, Object> d = ticket(t, null);
    if (t.messages() != null && !t.messages().isEmpty()) {
      Ticket.Message last = t.messages().get(t.messages().size() - 1);
      d.put("messageId", last.id());
      d.put("authorId", last.authorId());
    }
    return d;
  }

  public static Map<String, Object> subscription(Merchant m) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("merchantId", m.id().toHexString());
    var s = m.subscription();
    d.put("planId", s == null ? null : s.planId());
    d.put("status", s == null || s.status() == null ? null : s.status().name());
    d.put("currentPeriodEnd", s == null ? null : s.currentPeriodEnd());
    d.put("autoRenew", s != null && s.autoRenew());
    return d;
  }
}
