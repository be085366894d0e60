package io.kaleem.api.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.context.ContextSnapshot.Scope;
import io.micrometer.context.ContextSnapshotFactory;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import reactor.util.context.Context;

/**
 * What Reactor's automatic context propagation does at each thread hop: the request's context
 * entries become MDC fields for the hop and are removed after it.
 */
class RequestContextTest {

  private final ContextSnapshotFactory snapshots = ContextSnapshotFactory.builder().build();

  RequestContextTest() {
    RequestContext.registerMdcAccessors();
  }

  @Test
  void theCallerBecomesTheUserAndMerchantFieldsOfEveryLogLine() {
    Context request =
        Context.of(
            RequestContext.REQUEST_ID,
            "req-1",
            RequestContext.CALLER,
            new RequestContext.Caller("65a000000000000000000001", "65b000000000000000000002"));
    Scope hop = snapshots.setThreadLocalsFrom(request);
    try {
      assertThat(MDC.get(RequestContext.REQUEST_ID)).isEqualTo("req-1");
      assertThat(MDC.get(RequestContext.USER_ID)).isEqualTo("65a000000000000000000001");
      assertThat(MDC.get(RequestContext.MERCHANT_ID)).isEqualTo("65b000000000000000000002");
    } finally {
      hop.close();
    }
    assertThat(MDC.get(RequestContext.REQUEST_ID)).isNull();
    assertThat(MDC.get(RequestContext.USER_ID)).isNull();
    assertThat(MDC.get(RequestContext.MERCHANT_ID)).isNull();
  }

  @Test
  void aCallerWithoutMerchantLeavesNoMerchantOfAnEarlierHop() {
    Context owner =
        Context.of(RequestContext.CALLER, new RequestContext.Caller("u-owner", "m-owner"));
    Context customer = Context.of(RequestContext.CALLER, new RequestContext.Caller("u-cust", null));
    Scope outer = snapshots.setThreadLocalsFrom(owner);
    try {
      Scope inner = snapshots.setThreadLocalsFrom(customer);
      try {
        assertThat(MDC.get(RequestContext.USER_ID)).isEqualTo("u-cust");
        assertThat(MDC.get(RequestContext.MERCHANT_ID)).isNull();
      } finally {
        inner.close();
      }
      // The outer hop's caller is back.
      assertThat(MDC.get(RequestContext.USER_ID)).isEqualTo("u-owner");
      assertThat(MDC.get(RequestContext.MERCHANT_ID)).isEqualTo("m-owner");
    } finally {
      outer.close();
    }
    assertThat(MDC.get(RequestContext.USER_ID)).isNull();
  }
}
