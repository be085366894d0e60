package io.kaleem.api.web;

/**
 * What text a request may carry (docs/API.md, "Text"). Refused anywhere in a request string: NUL
 * and the other C0/C1 control characters except tab, line feed and carriage return; DEL; a lone
 * surrogate (half of a UTF-16 pair, which no real character is); and the bidirectional embedding,
 * override and isolate controls U+202A–U+202E and U+2066–U+2069, which reorder how the rest of a
 * line is displayed (a name that shows as "lamp" but is stored reversed) and have no place in a
 * name, a message or an address. Allowed, because Arabic text legitimately holds them: the Arabic
 * letter mark U+061C and the left-to-right / right-to-left marks U+200E / U+200F (they fix the
 * direction of neutral characters next to them and change no other text), and the zero-width
 * non-joiner / joiner U+200C / U+200D (letter shaping, emoji sequences).
 */
public final class RequestText {

  private RequestText() {}

  /** Why {@code text} is refused, or null when it is acceptable. */
  public static String problem(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
          continue;
        }
        return "contains a lone surrogate (U+" + hex(c) + ")";
      }
      if (Character.isLowSurrogate(c)) {
        return "contains a lone surrogate (U+" + hex(c) + ")";
      }
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c <= 0x9F)) {
        return "contains a control character (U+" + hex(c) + ")";
      }
      if ((c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069')) {
        return "contains a bidirectional override or isolate (U+" + hex(c) + ")";
      }
    }
    return null;
  }

  private static String hex(char c) {
    return String.format("%04X", (int) c);
  }
}
