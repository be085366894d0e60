package io.kaleem.api.pagination;

import io.kaleem.api.common.Ids;
import java.util.ArrayList;
import java.util.List;

/**
 * The equality filters of one list query, in the order they are added: the scope first, then each
 * optional filter the client gave (a null value adds nothing). Enum values are stored by name and
 * ids in their canonical form ({@link Ids#canonical}, a 400 naming the field when malformed), as
 * the documents hold them.
 */
public final class Filters {

  private final List<Filter> filters = new ArrayList<>();

  private Filters() {}

  /** No scope: every document of the collection is listed unless a filter narrows it. */
  public static Filters none() {
    return new Filters();
  }

  /** Listed within one value of {@code field} (a merchant's documents). */
  public static Filters scopedTo(String field, String value) {
    return new Filters().add(Filter.eq(field, value));
  }

  public Filters add(Filter filter) {
    filters.add(filter);
    return this;
  }

  /** {@code field} equals {@code value} (an enum by name, a Boolean as is), when given. */
  public Filters eq(String field, Object value) {
    return value == null
        ? this
        : add(Filter.eq(field, value instanceof Enum<?> e ? e.name() : value));
  }

  /**
   * {@code field} holds the id {@code id} names (the client's parameter {@code param}), when given.
   */
  public Filters id(String field, String param, String id) {
    return id == null ? this : add(Filter.eq(field, Ids.canonical(id, param)));
  }

  /** {@code field} holds the id {@code id} names, the parameter of the same name, when given. */
  public Filters id(String field, String id) {
    return id(field, field, id);
  }

  /** The search parameter {@code q} ({@link Filter#search}), when given. */
  public Filters search(String q) {
    return q == null ? this : add(Filter.search(q));
  }

  public List<Filter> list() {
    return List.copyOf(filters);
  }
}
