package io.kaleem.api.security;

import java.net.InetSocketAddress;
import org.springframework.web.server.ServerWebExchange;

/** The client a request came from, as budgets and sign-in throttling key it. */
public final class ClientAddress {

  private ClientAddress() {}

  /**
   * The client address as the server sees it; behind an ingress, {@code
   * server.forward-headers-strategy=framework} makes it the forwarded client address.
   */
  public static String of(ServerWebExchange exchange) {
    InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
    if (remote == null || remote.getAddress() == null) {
      return "unknown";
    }
    return remote.getAddress().getHostAddress();
  }
}
