package io.kaleem.api.pagination;

import java.util.List;
import java.util.Objects;
import org.springframework.data.mongodb.core.query.Criteria;

/**
 * One equality-class condition of a list query. Only these three shapes exist: values are typed by
 * the caller (never raw client JSON), so operator keys such as {@code $ne} cannot reach MongoDB.
 */
public record Filter(String field, Op op, List<?> values) {

  public enum Op {
    /** field equals the single value (or, for an array field, contains it) */
    EQ,
    /** field equals one of the values */
    IN,
    /** array field contains all of the values */
    ALL
  }

  public Filter {
    Objects.requireNonNull(field, "field");
    values = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(values));
    if (values.isEmpty()) {
      throw new IllegalArgumentException("filter on " + field + " has no value");
    }
  }

  /** {@code value} may be null: it matches documents where the field is null or absent. */
  public static Filter eq(String field, Object value) {
    return new Filter(field, Op.EQ, java.util.Collections.singletonList(value));
  }

  public static Filter in(String field, List<?> values) {
    return values.size() == 1 ? eq(field, values.get(0)) : new Filter(field, Op.IN, values);
  }

  public static Filter all(String field, List<?> values) {
    return values.size() == 1 ? eq(field, values.get(0)) : new Filter(field, Op.ALL, values);
  }

  /**
   * The search parameter {@code q} of every list: the terms of the query text, all of which a
   * document's search terms must contain. A {@code q} without letters or digits is a 400 on it.
   */
  public static Filter search(String q) {
    List<String> terms = io.kaleem.api.search.SearchText.queryTerms(q);
    if (terms.isEmpty()) {
      throw io.kaleem.api.errors.ApiException.invalidField(
          "q", "has no letters or digits to search for");
    }
    return all(io.kaleem.crds.indexes.IndexCatalog.SEARCH_FIELD, terms);
  }

  Criteria toCriteria() {
    return switch (op) {
      case EQ -> Criteria.where(field).is(values.get(0));
      case IN -> Criteria.where(field).in(values);
      case ALL -> Criteria.where(field).all(values);
    };
  }

  /** A canonical text form, used to bind a cursor to the filters it was minted under. */
  String canonical() {
    return field + "=" + op + values.stream().map(String::valueOf).sorted().toList();
  }
}
