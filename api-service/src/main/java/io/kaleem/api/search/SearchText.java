package io.kaleem.api.search;

import java.text.Normalizer;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.lucene.analysis.ar.ArabicNormalizer;
import org.apache.lucene.analysis.ar.ArabicStemmer;

/**
 * Arabic- and English-aware search normalisation. MongoDB text indexes cannot tokenise Arabic, so
 * every searchable document stores {@code searchTerms}: its normalised tokens and their prefixes. A
 * query is normalised the same way and matched by equality, which a B-tree index serves exactly
 * (see docs/INDEXES.md).
 *
 * <p>Normalisation: Unicode NFKC; lower case; Arabic diacritics (harakat, tanween, shadda, sukun,
 * superscript alef) and tatweel removed; alef variants (أ إ آ ٱ) folded to ا; alef maqsura ى to ي;
 * ta marbuta ة to ه; hamza seats ؤ→و, ئ→ي; Arabic-Indic digits to ASCII; Latin accents removed.
 *
 * <p>Arabic words are also reduced to their light stem by Lucene's {@link ArabicNormalizer} and
 * {@link ArabicStemmer} (Larkey's light10: the article and attached particles ال وال بال كال فال لل
 * و, and the suffixes ها ان ات ون ين يه ية ه ة ي). A document stores the prefixes of each word and
 * of its stem; a query term is the stem of the query word. So «للتجربة», «التجربة» and «تجربة» all
 * stem to «تجرب» and find each other, and a query still matches by prefix («تجر» finds «للتجربة»).
 * The table of what matches what is in docs/API.md (Search) and tested in {@code SearchTextTest}.
 */
public final class SearchText {

  /** Shortest prefix stored (and searchable): one letter matches too much to be useful. */
  public static final int MIN_PREFIX = 2;

  /** Longest prefix stored; longer query tokens are cut to this length. */
  public static final int MAX_PREFIX = 12;

  /** Most tokens a query may have; more are ignored (bounded work per request). */
  public static final int MAX_QUERY_TOKENS = 5;

  /** Stateless (the affix tables are constants): one instance serves every thread. */
  private static final ArabicNormalizer ARABIC_NORMALIZER = new ArabicNormalizer();

  private static final ArabicStemmer ARABIC_STEMMER = new ArabicStemmer();

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
        addPrefixes(terms, token);
        addPrefixes(terms, stem(token));
      }
    }
    return List.copyOf(terms);
  }

  private static void addPrefixes(Set<String> terms, String token) {
    int max = Math.min(token.length(), MAX_PREFIX);
    if (token.length() < MIN_PREFIX) {
      terms.add(token);
    }
    for (int len = MIN_PREFIX; len <= max; len++) {
      terms.add(token.substring(0, len));
    }
  }

  /**
   * The light stem of a normalised token: Arabic article, attached particles and common suffixes
   * removed; a token with no Arabic letter is returned as it is. The stemmer keeps at least two
   * letters, so a stem is never empty.
   */
  static String stem(String token) {
    if (!hasArabicLetter(token)) {
      return token;
    }
    char[] chars = token.toCharArray();
    int len = ARABIC_NORMALIZER.normalize(chars, chars.length);
    len = ARABIC_STEMMER.stem(chars, len);
    return new String(chars, 0, len);
  }

  private static boolean hasArabicLetter(String token) {
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c >= '\u0621' && c <= '\u064A') {
        return true;
      }
    }
    return false;
  }

  /**
   * The terms a query matches on: the stem of each query token (cut to {@link #MAX_PREFIX}), the
   * longest ones first so the most selective term leads the index lookup.
   */
  public static List<String> queryTerms(String query) {
    return tokens(query).stream()
        .map(SearchText::stem)
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
