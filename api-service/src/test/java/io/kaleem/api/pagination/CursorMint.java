package io.kaleem.api.pagination;

import org.bson.Document;

/**
 * Mints the cursor the API itself would hand out at a given row, for benchmarks that jump to page
 * 10 000 without walking 9 999 pages first. Uses the production codec and fingerprint.
 */
public final class CursorMint {

  private final CursorCodec codec;

  public CursorMint(String secret) {
    this.codec = new CursorCodec(new PaginationProperties(secret, 20, 100));
  }

  public String cursorAt(ListQuery<?> query, String sort, Document row) {
    SortSpec.Resolved resolved = query.sorts().resolve(sort);
    Object value = row.get(resolved.field());
    return codec.encode(
        KeysetPager.fingerprint(query, resolved), new Position(value, row.getObjectId("_id")));
  }
}
