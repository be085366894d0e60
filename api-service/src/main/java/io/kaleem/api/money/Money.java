package io.kaleem.api.money;

import io.kaleem.api.errors.ApiException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import java.util.Set;

/**
 * Prices are stored as whole minor units (halalas, fils, cents) in a {@code long}: exact, and
 * sortable by every MongoDB server. The API speaks decimal amounts with an ISO 4217 currency.
 */
public final class Money {

  /** Currencies merchants may price in. */
  public static final Set<String> CURRENCIES =
      Set.of("SAR", "AED", "KWD", "BHD", "QAR", "OMR", "EGP", "JOD", "USD", "EUR");

  private Money() {}

  public static Currency currency(String code, String field) {
    if (code == null || !CURRENCIES.contains(code)) {
      throw ApiException.invalidField(
          field, "must be one of " + CURRENCIES.stream().sorted().toList());
    }
    return Currency.getInstance(code);
  }

  /** Decimal amount to minor units; more decimals than the currency has is a 400. */
  public static long toMinor(BigDecimal amount, String currency, String field) {
    int digits = currency(currency, "currency").getDefaultFractionDigits();
    if (amount.signum() < 0) {
      throw ApiException.invalidField(field, "must not be negative");
    }
    if (amount.stripTrailingZeros().scale() > digits) {
      throw ApiException.invalidField(
          field, "has more than " + digits + " decimal places for " + currency);
    }
    return amount.movePointRight(digits).longValueExact();
  }

  public static BigDecimal fromMinor(long minor, String currency) {
    int digits = Currency.getInstance(currency).getDefaultFractionDigits();
    return BigDecimal.valueOf(minor, digits).setScale(digits, RoundingMode.UNNECESSARY);
  }
}
