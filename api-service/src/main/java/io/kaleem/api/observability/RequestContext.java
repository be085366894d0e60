package io.kaleem.api.observability;

import io.micrometer.context.ContextRegistry;
import java.util.List;
import org.slf4j.MDC;

/**
 * Names of the per-request values carried in the Reactor context, the exchange attributes and the
 * logging MDC. With {@code spring.reactor.context-propagation=auto} every log line written while
 * serving a request carries them, whatever thread it runs on.
 */
public final class RequestContext {

  public static final String REQUEST_ID = "requestId";
  public static final String USER_ID = "userId";
  public static final String MERCHANT_ID = "merchantId";

  private static final List<String> KEYS = List.of(REQUEST_ID, USER_ID, MERCHANT_ID);

  private RequestContext() {}

  /** Registers MDC accessors for the keys once per JVM. */
  public static synchronized void registerMdcAccessors() {
    ContextRegistry registry = ContextRegistry.getInstance();
    for (String key : KEYS) {
      boolean present =
          registry.getThreadLocalAccessors().stream().anyMatch(a -> key.equals(a.key()));
      if (!present) {
        registry.registerThreadLocalAccessor(
            key, () -> MDC.get(key), value -> MDC.put(key, value), () -> MDC.remove(key));
      }
    }
  }
}
