package io.kaleem.api.observability;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ThreadLocalAccessor;
import org.slf4j.MDC;

/**
 * Names of the per-request values carried in the Reactor context, the exchange attributes and the
 * logging MDC. The caller is one {@link Caller}, under {@link #CALLER} in both the context and the
 * exchange attributes (for the access log). With {@code spring.reactor.context-propagation=auto}
 * every log line written while serving a request carries them, whatever thread it runs on.
 */
public final class RequestContext {

  public static final String REQUEST_ID = "requestId";
  public static final String USER_ID = "userId";
  public static final String MERCHANT_ID = "merchantId";

  /** Context key of the request's {@link Caller}. */
  public static final String CALLER = "kaleem.caller";

  /**
   * Who made the request, as logs name them. One context entry (and one accessor) for both ids:
   * with automatic propagation every context entry that has an accessor is restored at every thread
   * hop of every request.
   *
   * @param userId the caller's user id
   * @param merchantId the caller's merchant, or null
   */
  public record Caller(String userId, String merchantId) {

    /** Puts both ids in the MDC, removing a merchant id an earlier caller left on the thread. */
    public void toMdc() {
      MDC.put(USER_ID, userId);
      if (merchantId == null) {
        MDC.remove(MERCHANT_ID);
      } else {
        MDC.put(MERCHANT_ID, merchantId);
      }
    }

    /** Removes both ids from the MDC. */
    public static void clearMdc() {
      MDC.remove(USER_ID);
      MDC.remove(MERCHANT_ID);
    }
  }

  private RequestContext() {}

  /** Registers the MDC accessors once per JVM. */
  public static synchronized void registerMdcAccessors() {
    ContextRegistry registry = ContextRegistry.getInstance();
    if (registry.getThreadLocalAccessors().stream().noneMatch(a -> REQUEST_ID.equals(a.key()))) {
      registry.registerThreadLocalAccessor(
          REQUEST_ID,
          () -> MDC.get(REQUEST_ID),
          value -> MDC.put(REQUEST_ID, value),
          () -> MDC.remove(REQUEST_ID));
    }
    if (registry.getThreadLocalAccessors().stream().noneMatch(a -> CALLER.equals(a.key()))) {
      registry.registerThreadLocalAccessor(new CallerAccessor());
    }
  }

  /** Sets {@code userId} and {@code merchantId} in the MDC from the context's {@link Caller}. */
  private static final class CallerAccessor implements ThreadLocalAccessor<Caller> {
    private static final ThreadLocal<Caller> CURRENT = new ThreadLocal<>();

    @Override
    public Object key() {
      return CALLER;
    }

    @Override
    public Caller getValue() {
      return CURRENT.get();
    }

    @Override
    public void setValue(Caller caller) {
      CURRENT.set(caller);
      caller.toMdc();
    }

    @Override
    public void setValue() {
      CURRENT.remove();
      Caller.clearMdc();
    }
  }
}
