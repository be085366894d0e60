package io.kaleem.api.cache;

/**
 * What a warming run loads; the names are the operator's ({@code KaleemTenantSpec.WarmingTarget},
 * rendered into {@code kaleem.cache.warming.targets}). A test proves both lists are the same.
 */
public enum WarmingTarget {
  /** The plan catalogue: the first page of active plans and each plan by id. */
  plans,
  /** Each active merchant's category tree. */
  categories,
  /** Each active merchant's first product page, and the hottest products of this instance. */
  products
}
