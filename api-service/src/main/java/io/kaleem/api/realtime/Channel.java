package io.kaleem.api.realtime;

import io.kaleem.api.messaging.EventType;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** What a client may narrow its stream to; by default a session receives every channel. */
enum Channel {
  ORDERS,
  PRODUCTS,
  TICKETS,
  NOTIFICATIONS,
  MERCHANT;

  static final Set<String> NAMES =
      Arrays.stream(values()).map(Channel::wire).collect(Collectors.toUnmodifiableSet());

  String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The channel named {@code s}, or null for a name the gateway does not know. */
  static Channel of(String s) {
    return s != null && NAMES.contains(s) ? valueOf(s.toUpperCase(Locale.ROOT)) : null;
  }

  static Channel of(EventType type) {
    return switch (type.aggregate()) {
      case ORDER -> ORDERS;
      case PRODUCT -> PRODUCTS;
      case TICKET -> TICKETS;
      case NOTIFICATION -> NOTIFICATIONS;
      case MERCHANT -> MERCHANT;
    };
  }
}
