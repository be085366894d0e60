package io.kaleem.api.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SearchTextTest {

  @Test
  void foldsArabicVariantsDiacriticsAndTatweel() {
    assertThat(SearchText.normalize("مُنتَج")).isEqualTo("منتج");
    assertThat(SearchText.normalize("منـــتج")).isEqualTo("منتج");
    assertThat(SearchText.normalize("أحمد إبراهيم آمنة")).isEqualTo("احمد ابراهيم امنه");
    assertThat(SearchText.normalize("مستشفى")).isEqualTo("مستشفي");
    assertThat(SearchText.normalize("مدرسة")).isEqualTo("مدرسه");
    assertThat(SearchText.normalize("رئيس مؤتمر")).isEqualTo("رييس موتمر");
    assertThat(SearchText.normalize("رقم ١٢٣ و ۴۵")).isEqualTo("رقم 123 و 45");
  }

  @Test
  void foldsLatinCaseAndAccentsAndDropsPunctuation() {
    assertThat(SearchText.normalize("Café-Crème, BRÛLÉE!")).isEqualTo("cafe creme brulee");
    assertThat(SearchText.tokens("a  b a")).containsExactly("a", "b");
  }

  @Test
  void storesPrefixesAndQueriesByTheLongestTokenFirst() {
    assertThat(SearchText.indexTerms("Lamp")).containsExactly("la", "lam", "lamp");
    assertThat(SearchText.indexTerms("x")).containsExactly("x");
    assertThat(SearchText.queryTerms("la lampshade")).containsExactly("lampshade", "la");
    assertThat(SearchText.queryTerms("abcdefghijklmnopq")).containsExactly("abcdefghijkl");
    assertThat(SearchText.queryTerms("a b c d e f g")).hasSize(SearchText.MAX_QUERY_TOKENS);
    assertThat(SearchText.queryTerms("  !!  ")).isEmpty();
  }

  /**
   * The table in docs/SEARCH.md: each stored name is found by each query, and the other way round
   * (the query stored, the name searched), as the index does it: every query term must be among the
   * document's terms.
   */
  @ParameterizedTest(name = "{0} <-> {1}")
  @CsvSource({
    "للتجربة, تجربة",
    "للتجربة, التجربة",
    "للتجربة, للتجربة",
    "التجربة, تجربة",
    "والكتاب, كتاب",
    "بالكتاب, الكتاب",
    "فالكتاب, كتابه",
    "كالقمر, القمر",
    "وقلم, قلم",
    "المعلمون, معلمين",
    "سيارات, السيارة",
    "أقلام, اقلام",
  })
  void arabicArticlesConjunctionsAndSuffixesMatchBothWays(String stored, String query) {
    assertThat(matches(stored, query)).as("%s finds %s", query, stored).isTrue();
    assertThat(matches(query, stored)).as("%s finds %s", stored, query).isTrue();
  }

  @Test
  void prefixMatchingStillWorksOnArabicAndLatin() {
    assertThat(matches("للتجربة", "تجر")).isTrue();
    assertThat(matches("التجربة", "التج")).isTrue();
    assertThat(matches("Lampshade", "lamp")).isTrue();
    assertThat(matches("والكتاب", "كت")).isTrue();
  }

  @Test
  void unrelatedWordsDoNotMatch() {
    assertThat(matches("للتجربة", "كتاب")).isFalse();
    assertThat(matches("قلم", "قمر")).isFalse();
    assertThat(matches("lamp", "lump")).isFalse();
  }

  private static boolean matches(String stored, String query) {
    Set<String> index = Set.copyOf(SearchText.indexTerms(stored));
    List<String> terms = SearchText.queryTerms(query);
    return !terms.isEmpty() && index.containsAll(terms);
  }
}
