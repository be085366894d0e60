package io.kaleem.api.common;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Size;

/**
 * Text in Arabic and English; at least one is given.
 *
 * @param ar Arabic
 * @param en English
 */
public record LocalizedText(@Size(max = 200) String ar, @Size(max = 200) String en) {

  @AssertTrue(message = "needs an Arabic or an English text")
  boolean isPresent() {
    return (ar != null && !ar.isBlank()) || (en != null && !en.isBlank());
  }

  public String both() {
    return (ar == null ? "" : ar) + " " + (en == null ? "" : en);
  }
}
