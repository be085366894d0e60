package io.kaleem.api.security;

import org.springframework.security.access.AccessDeniedException;

/**
 * A merchant-bound caller named another merchant in the path: answered as that merchant not
 * existing, so ids of other merchants cannot be probed.
 */
public class HiddenMerchantException extends AccessDeniedException {

  private final String merchantId;

  public HiddenMerchantException(String merchantId) {
    super("merchant of another account");
    this.merchantId = merchantId;
  }

  public String merchantId() {
    return merchantId;
  }
}
