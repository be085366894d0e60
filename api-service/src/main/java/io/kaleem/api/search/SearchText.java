package io.kaleem.api.search;

import java.text.Normalizer;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Arabic- and English-aware search normalisation. MongoDB text indexes cannot tokenise Arabic, so
 * every searchable document stores {@code searchTerms}: its normalised tokens and their prefixes. A
 * query is normalised the same way and matched by equality, which a B-tree index serves exactly
 * (see docs/INDEXES.md).
 *
 * <p>Normalisation: Unicode NFKC; lower case; Arabic diacritics (harakat, tanween, shadda, sukun,
 * superscript alef) and tatweel removed; alef variants (أ إ آ ٱ) folded to ا; alef maqsura ى to ي;
 * ta marbuta ة to ه; hamza seats ؤ→و, ئ→ي; Arabic-Indic digits to ASCII; Latin accents removed.
 */
public final class SearchText {

  /** Shortest prefix stored (and searchable): one letter matches too much to be useful. */
  public static final int MIN_PREFIX = 2;

  /** Longest prefix stored; longer query tokens are cut to this length. */
  public static final int MAX_PREFIX = 12;

  /** Most tokens a query may have; more are ignored (bounded work per request). */
  public static final int MAX_QUERY_TOKENS = 5;

  private SearchText() {}

  /** Normalises free text to one space-separated string of tokens. */
  public static String normalize(String text) {
    if (text == null) {
      return "";
    }
    String s = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (isArabicMark(c) || c == '\u0640') {
        continue;
      }
      out.append(fold(c));
    }
    String folded = Normalizer.normalize(out, Normalizer.Form.NFD).replaceAll("\\p{M}+", "");
    return folded.replaceAll("[^\\p{L}\\p{N}]+", " ").trim();
  }

  /** The tokens of a text, in order, without repeats. */
  public static List<String> tokens(String text) {
    String n = normalize(text);
    if (n.isEmpty()) {
      return List.of();
    }
    return List.copyOf(new LinkedHashSet<>(List.of(n.split(" "))));
  }

  /** What a document stores to be findable: every token and its prefixes of useful length. */
  public static List<String> indexTerms(String... texts) {
    Set<String> terms = new LinkedHashSet<>();
    for (String text : texts) {
      for (String token : tokens(text)) {
        int max = Math.min(token.length(), MAX_PREFIX);
        if (token.length() < MIN_PREFIX) {
          terms.add(token);
        }
        for (int len = MIN_PREFIX; len <= max; len++) {
          terms.add(token.substring(0, len));
        }
      }
    }
    return List.copyOf(terms);
  }

  /**
   * The terms a query matches on: each query token (cut to {@link #MAX_PREFIX}), the longest ones
   * first so the most selective term leads the index lookup.
   */
  public static List<String> queryTerms(String query) {
    return tokens(query).stream()
        .map(t -> t.length() > MAX_PREFIX ? t.substring(0, MAX_PREFIX) : t)
        .distinct()
        .sorted((a, b) -> Integer.compare(b.length(), a.length()))
        .limit(MAX_QUERY_TOKENS)
        .toList();
  }

  private static boolean isArabicMark(char c) {
    return (c >= '\u064B' && c <= '\u065F') // harakat, tanween, shadda, sukun, hamza marks
        || c == '\u0670' // superscript alef
        || (c >= '\u06D6' && c <= '\u06ED') // Quranic annotation marks
        || (c >= '\u0610' && c <= '\u061A');
  }

  private static char fold(char c) {
    return switch (c) {
      case '\u0623', '\u0625', '\u0622', '\u0671' -> '\u0627'; // أ إ آ ٱ -> ا
      case '\u0649' -> '\u064A'; // ى -> ي
      case '\u0629' -> '\u0647'; // ة -> ه
      case '\u0624' -> '\u0648'; // ؤ -> و
      case '\u0626' -> '\u064A'; // ئ -> ي
      default -> {
        if (c >= '\u0660' && c <= '\u0669') {
          yield (char) ('0' + (c - '\u0660'));
        }
        if (c >= '\u06F0' && c <= '\u06F9') {
          yield (char) ('0' + (c - '\u06F0'));
        }
        yield c;
      }
    };
  }
}
