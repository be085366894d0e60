package io.kaleem.api.categories;

import io.kaleem.api.common.LocalizedText;
import java.time.Instant;
import java.util.List;
import org.bson.types.ObjectId;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A node of a merchant's category tree, stored with materialised ancestors (root first) so a
 * subtree is one indexed query ({@code ancestors: id}) and breadcrumbs need no recursion.
 */
@Document(Category.COLLECTION)
public record Category(
    @Id ObjectId id,
    String merchantId,
    LocalizedText name,
    String slug,
    String parentId,
    List<String> ancestors,
    int depth,
    int sortOrder,
    List<String> searchTerms,
    Instant createdAt,
    Instant updatedAt) {

  public static final String COLLECTION = "categories";

  /** Deepest level allowed (roots are depth 0): deep enough for any storefront menu. */
  public static final int MAX_DEPTH = 5;

  /** The ancestors a child of this category carries. */
  List<String> lineageForChildren() {
    var out = new java.util.ArrayList<>(ancestors);
    out.add(id.toHexString());
    return List.copyOf(out);
  }
}
