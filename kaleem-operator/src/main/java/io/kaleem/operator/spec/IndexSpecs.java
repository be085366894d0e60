package io.kaleem.operator.spec;

import io.kaleem.crds.indexes.IndexCatalog;
import io.kaleem.crds.indexes.IndexDefinition;
import io.kaleem.crds.indexes.IndexKey;
import io.kaleem.crds.indexes.IndexRole;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The indexes a tenant database must carry: the platform catalog, the security collections' indexes
 * and the tenant's extras.
 */
public final class IndexSpecs {

  private IndexSpecs() {}

  public static List<IndexDefinition> desired(KaleemTenantSpec spec) {
    List<IndexDefinition> all = new ArrayList<>(IndexCatalog.all());
    if (spec.database != null && spec.database.indexes != null) {
      spec.database.indexes.forEach(i -> all.add(toDefinition(i)));
    }
    return all;
  }

  static IndexDefinition toDefinition(KaleemTenantSpec.Index i) {
    if (i == null || i.collection == null || i.name == null) {
      throw new IllegalArgumentException("collection and name are required");
    }
    if (i.keys == null || i.keys.isEmpty()) {
      throw new IllegalArgumentException("index " + i.name + " has no keys");
    }
    List<IndexKey> keys = new ArrayList<>();
    for (KaleemTenantSpec.IndexField f : i.keys) {
      if (f == null || f.field == null) {
        throw new IllegalArgumentException("index " + i.name + " has a key without field");
      }
      keys.add(new IndexKey(f.field, f.direction));
    }
    return new IndexDefinition(
        i.collection,
        i.name,
        keys,
        Boolean.TRUE.equals(i.unique),
        IndexRole.COMPOUND,
        null,
        null,
        "tenant index from spec.database.indexes",
        null);
  }

  /**
   * The index rebuilds an engineer confirmed on the tenant ({@code kaleem.io/rebuild-indexes:
   * "users.users_email, orders.x"} or {@code "*"}): unique and TTL indexes are rebuilt only then.
   */
  public static java.util.Set<String> confirmedRebuilds(io.kaleem.crds.v1alpha1.KaleemTenant t) {
    var a = t.getMetadata().getAnnotations();
    String v =
        a == null ? null : a.get(io.kaleem.operator.indexes.IndexSyncService.REBUILD_ANNOTATION);
    if (v == null || v.isBlank()) {
      return java.util.Set.of();
    }
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (String s : v.split(",")) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return out;
  }
}
