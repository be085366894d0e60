package io.kaleem.crds.indexes;

/** What an index is for, as the seed report counted them ("compound" and "text"). */
public enum IndexRole {
  /** A compound (or single-field) B-tree index serving equality, sort and uniqueness. */
  COMPOUND,
  /**
   * A search index: B-tree over {@code searchTerms}, the array of Arabic/English-normalised tokens
   * and their prefixes. It plays the role the seed gave to MongoDB text indexes, which cannot
   * tokenise Arabic.
   */
  TEXT
}
