package io.kaleem.api.web;

import jakarta.validation.Validator;
import jakarta.validation.constraints.NotNull;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Makes the validator read its message bundles ({@code ValidationMessages} from the class path)
 * before the server accepts a request. Hibernate Validator loads them on the first constraint
 * violation it has to describe and caches them; left to the first bad request, that is a jar read
 * on an event loop (BlockHound catches it). One violation at start-up, in the default locale the
 * request path uses (WebFlux binds no request locale for the interpolator), loads them once.
 */
@Component
class ValidationMessagesPreload implements SmartInitializingSingleton {

  private final Validator validator;

  ValidationMessagesPreload(Validator validator) {
    this.validator = validator;
  }

  /** An object with one violation. */
  static final class Probe {
    @NotNull String value;
  }

  @Override
  public void afterSingletonsInstantiated() {
    validator.validate(new Probe()).forEach(violation -> violation.getMessage().length());
  }
}
