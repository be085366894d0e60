package io.kaleem.api.pagination;

import java.util.List;
import java.util.function.Function;

/** The one list response shape: {@code {"data": [...], "page": {...}}}. */
public record Page<T>(List<T> data, PageInfo page) {

  public <R> Page<R> map(Function<? super T, ? extends R> mapper) {
    return new Page<>(data.stream().<R>map(mapper).toList(), page);
  }
}
