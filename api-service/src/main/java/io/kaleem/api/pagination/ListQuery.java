package io.kaleem.api.pagination;

import java.util.List;

/**
 * A list query before pagination: which collection, mapped to which type, with which equality
 * filters and which sort options.
 */
public record ListQuery<T>(String collection, Class<T> type, List<Filter> filters, SortSpec sorts) {

  public ListQuery {
    filters = List.copyOf(filters);
  }
}
