package io.kaleem.api.observability.logging;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.logstash.logback.mask.ValueMasker;
import tools.jackson.core.TokenStreamContext;

/**
 * Redacts secrets from every value a log line writes (message, MDC, key-value fields, nested
 * objects, stack traces): the logback JSON encoder runs each one through this masker, so no code
 * path can log around it. It masks values of sensitive field names (card numbers among them: {@code
 * cardNumber}, {@code card}, {@code pan}), bearer and basic credentials, JWT-shaped strings, and
 * {@code name=value} / {@code "name":"value"} pairs with sensitive names inside text (embedded
 * JSON, headers, query strings).
 *
 * <p>Card numbers are found by the field that holds them, not by a digit pattern over every value:
 * a Luhn check over every digit run also rewrote ids (a UUID's last groups, a client's request id,
 * epoch milliseconds), so an id echoed to a client could not be found in the log. Code that logs a
 * card number outside a field of that name is not protected; log payment data as named fields.
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
          "card",
          "pan",
          "cvv",
          "cvc");

  private static final String NAMES =
      "password|passwd|new_?password|current_?password|password_?hash|secret|client_?secret"
          + "|token|access_?token|refresh_?token|id_?token|api_?key|x-api-key|card_?number|card|pan"
          + "|cvv|cvc";

  /** {@code "password":"x"}, {@code password=x}, {@code token: x} inside text. */
  private static final Pattern PAIR =
      Pattern.compile(
          "(?i)(?<![A-Za-z0-9])(\"?(?:"
              + NAMES
              + ")\"?\\s*[:=]\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"|[^\\s,;&}\\]\"]+)");

  /** Header-style lines whose whole value is secret: {@code Cookie: a=b; c=d}. */
  private static final Pattern HEADER =
      Pattern.compile(
          "(?i)(\"?(?:authorization|proxy-authorization|cookie|set-cookie)\"?\\s*[:=]\\s*)"
              + "(\"(?:[^\"\\\\]|\\\\.)*\"|[^\\r\\n\"]+)");

  private static final Pattern SCHEME_CREDENTIALS =
      Pattern.compile("(?i)\\b(bearer|basic)\\s+[A-Za-z0-9._~+/=-]{6,}");

  private static final Pattern JWT =
      Pattern.compile("eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*");

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
    return JWT.matcher(out).replaceAll(MASK);
  }

  /**
   * Whether any pattern of {@link #maskText} can match {@code text}, in one pass without
   * allocating: a pair or header needs {@code :} or {@code =}; a scheme's credentials need
   * whitespace after the scheme; a JWT starts {@code eyJ}. False means no pattern can match; most
   * values of a line (logger, thread, level, route, ids, the message of an access line) skip the
   * four regex passes this way.
   */
  static boolean mightHoldSecret(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == ':' || c == '=' || Character.isWhitespace(c)) {
        return true;
      }
      if (c == 'e' && text.startsWith("eyJ", i)) {
        return true;
      }
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
}
