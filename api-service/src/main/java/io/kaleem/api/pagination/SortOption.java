package io.kaleem.api.pagination;

/**
 * A field clients may sort a list on.
 *
 * @param name what the client writes in {@code sort=} (prefix {@code -} for descending)
 * @param field the document field it sorts by; {@code _id} breaks ties
 */
public record SortOption(String name, String field) {

  public static SortOption of(String name) {
    return new SortOption(name, name);
  }
}
