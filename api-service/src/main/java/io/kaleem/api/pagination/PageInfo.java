package io.kaleem.api.pagination;

/** Where a page stands in the list: cursors are present exactly when that direction has rows. */
public record PageInfo(
    int limit, boolean hasNext, boolean hasPrev, String nextCursor, String prevCursor) {}
