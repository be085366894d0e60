package io.kaleem.api.categories;

import io.kaleem.api.common.LocalizedText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One node of the tree endpoint's answer, children in {@code sortOrder}. */
public record CategoryNode(
    String id,
    LocalizedText name,
    String slug,
    int depth,
    int sortOrder,
    List<CategoryNode> children) {

  /** Builds the forest from categories sorted by depth then sort order (parents come first). */
  static List<CategoryNode> forest(List<Category> byDepth) {
    Map<String, CategoryNode> nodes = new LinkedHashMap<>();
    List<CategoryNode> roots = new ArrayList<>();
    for (Category c : byDepth) {
      CategoryNode node =
          new CategoryNode(
              c.id().toHexString(),
              c.name(),
              c.slug(),
              c.depth(),
              c.sortOrder(),
              new ArrayList<>());
      nodes.put(node.id(), node);
      CategoryNode parent = c.parentId() == null ? null : nodes.get(c.parentId());
      if (parent == null) {
        roots.add(node);
      } else {
        parent.children().add(node);
      }
    }
    return roots;
  }
}
