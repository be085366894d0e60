package io.kaleem.api.search;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

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
}
