package io.kaleem.api.security;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;

/**
 * Spring Security's strict firewall, applied once, up front, to the whole request.
 *
 * <p>Spring's firewall checks method, URL and host on the way in, then hands the application a
 * decorated exchange that checks each header and query parameter when it is read: every {@code
 * getRequest()} and {@code getHeaders()} downstream allocates a new wrapper, and every handler's
 * call sites see two exchange types instead of one. This firewall runs Spring's checks, reads every
 * header and parameter through Spring's wrapper once (so each is judged by Spring's rules, unread
 * or not), and passes the application the undecorated exchange. It is stricter than Spring's lazy
 * checks: a bad header no one reads is refused too.
 *
 * <p>The header and parameter-name rules are Spring's (assigned code points, no control characters,
 * tab allowed in header values), checked by a loop over code points ({@code RequestFirewallTest}
 * compares them with Spring's own; docs/SECURITY.md, "Cost").
 */
final class RequestFirewall {

  private final StrictServerWebExchangeFirewall rules = new StrictServerWebExchangeFirewall();

  RequestFirewall() {
    rules.setAllowedHeaderNames(s -> assignedWithoutControls(s, false));
    rules.setAllowedHeaderValues(s -> assignedWithoutControls(s, true));
    rules.setAllowedParameterNames(s -> assignedWithoutControls(s, false));
  }

  /**
   * Refuses a request that breaks a rule with {@link ServerExchangeRejectedException}; a request
   * that passes goes on unwrapped.
   */
  void check(ServerWebExchange exchange) {
    HttpServerRequest netty = netty(exchange.getRequest());
    // Spring's firewall decides on subscription (Mono.fromCallable): its answer is taken at once,
    // without building an operator chain around the rest of the request.
    CompletableFuture<ServerWebExchange> decided =
        rules
            .getFirewalledExchange(netty == null ? exchange : withoutCrlfRecheck(exchange))
            .toFuture();
    if (!decided.isDone()) {
      throw new IllegalStateException("Spring Security's firewall no longer decides synchronously");
    }
    ServerWebExchange checked;
    try {
      checked = decided.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException rejected) {
        throw rejected;
      }
      throw e;
    }
    if (netty == null) {
      inspectThroughSpring(checked.getRequest().getHeaders());
    } else {
      inspect(netty);
    }
    // Spring's wrapper judges the parameter names (and values) as it parses them.
    checked.getRequest().getQueryParams();
  }

  /**
   * The exchange as Spring's firewall sees it on Reactor Netty: without the commit action that
   * re-reads every response header for CR and LF, which is not needed there: Netty refuses such a
   * value when it is set, before it can reach the wire ({@code
   * RequestFirewallTest.aResponseHeaderWithALineBreakNeverLeavesTheServer}).
   */
  private static ServerWebExchange withoutCrlfRecheck(ServerWebExchange exchange) {
    return exchange
        .mutate()
        .response(
            new ServerHttpResponseDecorator(exchange.getResponse()) {
              @Override
              public void beforeCommit(Supplier<? extends Mono<Void>> action) {
                // Netty validates header values as they are set.
              }
            })
        .build();
  }

  private static HttpServerRequest netty(ServerHttpRequest request) {
    try {
      return ServerHttpRequestDecorator.getNativeRequest(request) instanceof HttpServerRequest r
          ? r
          : null;
    } catch (IllegalArgumentException | IllegalStateException notOnNetty) {
      return null;
    }
  }

  private static void inspect(HttpServerRequest request) {
    Iterator<Map.Entry<CharSequence, CharSequence>> headers =
        request.requestHeaders().iteratorCharSequence();
    while (headers.hasNext()) {
      Map.Entry<CharSequence, CharSequence> header = headers.next();
      if (!assignedWithoutControls(header.getKey(), false)) {
        throw new ServerExchangeRejectedException(
            "The request was rejected because a header name is not allowed.");
      }
      if (!assignedWithoutControls(header.getValue(), true)) {
        // Not the value itself: it may be a credential.
        throw new ServerExchangeRejectedException(
            "The request was rejected because the header \""
                + header.getKey()
                + "\" has a value that is not allowed.");
      }
    }
  }

  /** Every header read once through Spring's checking wrapper (servers other than Netty). */
  private static void inspectThroughSpring(HttpHeaders checked) {
    for (String name : checked.headerNames()) {
      checked.get(name);
    }
  }

  /**
   * {@code [\p{IsAssigned}&&[^\p{IsControl}]]*} (or, with {@code tab}, {@code
   * [\p{IsAssigned}&&[[^\p{IsControl}]||\t]]*}), Spring Security's own patterns; null passes.
   */
  static boolean assignedWithoutControls(CharSequence s, boolean tab) {
    if (s == null) {
      return true;
    }
    for (int i = 0; i < s.length(); ) {
      char c = s.charAt(i);
      if (c < 0x80) {
        // ASCII, nearly every header: only C0 controls and DEL are refused.
        if ((c < 0x20 && !(tab && c == '\t')) || c == 0x7f) {
          return false;
        }
        i++;
        continue;
      }
      int cp = Character.codePointAt(s, i);
      int type = Character.getType(cp);
      if (type == Character.UNASSIGNED || (type == Character.CONTROL && !(tab && cp == '\t'))) {
        return false;
      }
      i += Character.charCount(cp);
    }
    return true;
  }
}
