package io.kaleem.api.observability.logging;

import java.math.BigInteger;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.logstash.logback.mask.ValueMasker;
import tools.jackson.core.TokenStreamContext;

/**
 * Redacts secrets from every value a log line writes (message, MDC, key-value fields, nested
 * objects, stack traces): the logback JSON encoder runs each one through this masker, so no code
 * path can log around it. It masks values of sensitive field names, bearer and basic credentials,
 * JWT-shaped strings, {@code name=value} / {@code "name":"value"} pairs with sensitive names inside
 * text (embedded JSON, headers, query strings), and card numbers (13 to 19 digits with optional
 * spaces or dashes that pass the Luhn check).
 */
public class SensitiveDataMasker implements ValueMasker {

  public static final String MASK = "[REDACTED]";

  static final Set<String> SENSITIVE_NAMES =
      Set.of(
          "password",
          "passwd",
          "newpassword",
          "currentpassword",
          "passwordhash",
          "secret",
          "token",
          "accesstoken",
          "access_token",
          "refreshtoken",
          "refresh_token",
          "idtoken",
          "id_token",
          "authorization",
          "proxy-authorization",
          "cookie",
          "set-cookie",
          "apikey",
          "api_key",
          "x-api-key",
          "cardnumber",
          "card_number",
          "pan",
          "cvv",
          "cvc");

  private static final String NAMES =
      "password|passwd|new_?password|current_?password|password_?hash|secret|client_?secret"
          + "|token|access_?token|refresh_?token|id_?token|api_?key|x-api-key|card_?number|cvv|cvc";

  /** {@code "password":"x"}, {@code password=x}, {@code token: x} inside text. */
  private static final Pattern PAIR =
      Pattern.compile(
          "(?i)(\"?(?:" + NAMES + ")\"?\\s*[:=]\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"|[^\\s,;&}\\]\"]+)");

  /** Header-style lines whose whole value is secret: {@code Cookie: a=b; c=d}. */
  private static final Pattern HEADER =
      Pattern.compile(
          "(?i)(\"?(?:authorization|proxy-authorization|cookie|set-cookie)\"?\\s*[:=]\\s*)"
              + "(\"(?:[^\"\\\\]|\\\\.)*\"|[^\\r\\n\"]+)");

  private static final Pattern SCHEME_CREDENTIALS =
      Pattern.compile("(?i)\\b(bearer|basic)\\s+[A-Za-z0-9._~+/=-]{6,}");

  private static final Pattern JWT =
      Pattern.compile("eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*");

  private static final Pattern CARD =
      Pattern.compile("(?<![0-9A-Za-z])[0-9](?:[ -]?[0-9]){12,18}(?![0-9A-Za-z])");

  @Override
  public Object mask(TokenStreamContext context, Object value) {
    String name = context == null ? null : context.currentName();
    if (name != null && SENSITIVE_NAMES.contains(name.toLowerCase(Locale.ROOT))) {
      return MASK;
    }
    if (value instanceof CharSequence text) {
      String masked = maskText(text.toString());
      return masked.equals(text.toString()) ? null : masked;
    }
    if (value instanceof Long || value instanceof BigInteger) {
      String digits = value.toString();
      if (isCardNumber(digits)) {
        return MASK;
      }
    }
    return null;
  }

  /** The text with every secret it contains replaced. */
  public static String maskText(String text) {
    if (!mightHoldSecret(text)) {
      return text;
    }
    String out = replacePairs(HEADER, text);
    out = replacePairs(PAIR, out);
    out = SCHEME_CREDENTIALS.matcher(out).replaceAll(m -> m.group(1) + " " + MASK);
    out = JWT.matcher(out).replaceAll(MASK);
    Matcher card = CARD.matcher(out);
    StringBuilder sb = new StringBuilder();
    while (card.find()) {
      String candidate = card.group();
      card.appendReplacement(
          sb, Matcher.quoteReplacement(isCardNumber(candidate) ? MASK : candidate));
    }
    card.appendTail(sb);
    return sb.toString();
  }

  /**
   * Whether any pattern of {@link #maskText} can match {@code text}, in one pass without
   * allocating: a pair or header needs {@code :} or {@code =}; a scheme's credentials need
   * whitespace after the scheme; a JWT starts {@code eyJ}; a card needs 13 digits with at most
   * single separators between them (a space, already whitespace, or a dash). False means no pattern
   * can match; most values of a line (logger, thread, level, route, ids, the message of an access
   * line) skip the five regex passes this way.
   */
  static boolean mightHoldSecret(String text) {
    int digits = 0;
    char previous = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == ':' || c == '=' || Character.isWhitespace(c)) {
        return true;
      }
      if (c >= '0' && c <= '9') {
        if (++digits >= 13) {
          return true;
        }
      } else if (!(c == '-' && previous >= '0' && previous <= '9')) {
        digits = 0;
      }
      if (c == 'e' && text.startsWith("eyJ", i)) {
        return true;
      }
      previous = c;
    }
    return false;
  }

  private static String replacePairs(Pattern pattern, String text) {
    return pattern
        .matcher(text)
        .replaceAll(
            m -> {
              String value = m.group(2);
              if (value.equals("\"" + MASK + "\"") || value.equals(MASK)) {
                return Matcher.quoteReplacement(m.group());
              }
              String replacement = value.startsWith("\"") ? "\"" + MASK + "\"" : MASK;
              return Matcher.quoteReplacement(m.group(1) + replacement);
            });
  }

  /** 13 to 19 digits (separators ignored) that pass the Luhn check. */
  static boolean isCardNumber(String candidate) {
    int sum = 0;
    int count = 0;
    boolean doubleIt = false;
    for (int i = candidate.length() - 1; i >= 0; i--) {
      char c = candidate.charAt(i);
      if (c == ' ' || c == '-') {
        continue;
      }
      if (c < '0' || c > '9') {
        return false;
      }
      int d = c - '0';
      if (doubleIt) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      doubleIt = !doubleIt;
      count++;
    }
    return count >= 13 && count <= 19 && sum % 10 == 0;
  }
}
