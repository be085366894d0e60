package io.kaleem.api.auth;

import io.kaleem.api.merchants.MerchantQuotas;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The rate-limit plan of a merchant's owners and staff: the {@code code} of the plan the merchant
 * subscribes to ({@link MerchantQuotas#planOf}), written into the access token's {@code plan} claim
 * at login and refresh. Empty when the merchant has no subscription, a cancelled one, or a plan
 * that no longer exists: the default plan applies. Both look-ups go through the cache: every login
 * and refresh of a merchant's staff reads them.
 */
@Component
class SubscriptionPlans {

  private final MerchantQuotas merchants;

  SubscriptionPlans(MerchantQuotas merchants) {
    this.merchants = merchants;
  }

  Mono<String> codeOf(String merchantId) {
    return merchants.planOf(merchantId).mapNotNull(p -> p.code());
  }
}
