package io.kaleem.api.pagination;

import io.kaleem.api.errors.ApiException;
import io.kaleem.crds.indexes.IndexKey;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The sort a list endpoint allows: its options, and the one used when the client names none. */
public final class SortSpec {

  private final Map<String, SortOption> options;
  private final String defaultSort;

  private SortSpec(List<SortOption> options, String defaultSort) {
    this.options =
        options.stream().collect(Collectors.toMap(SortOption::name, Function.identity()));
    this.defaultSort = defaultSort;
  }

  /**
   * @param defaultSort e.g. {@code -createdAt}
   */
  public static SortSpec of(String defaultSort, SortOption... options) {
    SortSpec spec = new SortSpec(List.of(options), defaultSort);
    spec.resolve(defaultSort);
    return spec;
  }

  /** Parses {@code sort=} ({@code name} ascending, {@code -name} descending). */
  public Resolved resolve(String sort) {
    String s = sort == null || sort.isBlank() ? defaultSort : sort.trim();
    int direction = s.startsWith("-") ? -1 : 1;
    String name = s.startsWith("-") || s.startsWith("+") ? s.substring(1) : s;
    SortOption option = options.get(name);
    if (option == null) {
      throw ApiException.invalidField(
          "sort", "must be one of " + allowed() + " (prefix '-' for descending)");
    }
    return new Resolved((direction < 0 ? "-" : "") + name, option.field(), direction);
  }

  private List<String> allowed() {
    return options.keySet().stream().sorted().toList();
  }

  /** A validated sort: the client's spelling, the document field, and the direction. */
  public record Resolved(String canonical, String field, int direction) {

    /** The sort keys the query uses: the field, then {@code _id} in the same direction. */
    public List<IndexKey> keys() {
      return List.of(new IndexKey(field, direction), new IndexKey("_id", direction));
    }
  }
}
