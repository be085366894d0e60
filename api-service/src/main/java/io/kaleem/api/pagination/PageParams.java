package io.kaleem.api.pagination;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The pagination query parameters every list endpoint takes, bound from the query string.
 *
 * @param limit rows per page, 1 to 100 (default 20)
 * @param after cursor: the page after this position ({@code page.nextCursor})
 * @param before cursor: the page before this position ({@code page.prevCursor})
 * @param sort a sort field from the endpoint's allow-list, {@code -} prefix for descending
 */
public record PageParams(
    @Schema(description = "rows per page, 1 to 100", defaultValue = "20") Integer limit,
    @Schema(description = "opaque cursor from page.nextCursor") String after,
    @Schema(description = "opaque cursor from page.prevCursor") String before,
    @Schema(description = "sort field, '-' prefix for descending") String sort) {

  public static PageParams first(int limit) {
    return new PageParams(limit, null, null, null);
  }

  public boolean backward() {
    return before != null;
  }

  public String cursor() {
    return before != null ? before : after;
  }
}
