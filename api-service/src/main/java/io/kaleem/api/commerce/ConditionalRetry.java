package io.kaleem.api.commerce;

import io.kaleem.api.errors.ApiException;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * The retry of a conditional update computed from a read: {@code attempt} applies a change only if
 * the document is still as read (it completes empty otherwise), and is then run again on a fresh
 * read, at most {@code maxAttempts} times in all; after that the caller gets a 409 to retry. Of two
 * concurrent changes exactly one applies per round, so every round makes progress.
 */
public final class ConditionalRetry {

  private ConditionalRetry() {}

  public static <T, R> Mono<R> apply(
      T read,
      Function<T, Mono<R>> attempt,
      Function<T, Mono<T>> reread,
      int maxAttempts,
      String what) {
    return round(read, attempt, reread, maxAttempts, what, 1);
  }

  private static <T, R> Mono<R> round(
      T read,
      Function<T, Mono<R>> attempt,
      Function<T, Mono<T>> reread,
      int maxAttempts,
      String what,
      int n) {
    return Mono.defer(() -> attempt.apply(read))
        .switchIfEmpty(
            Mono.defer(
                () ->
                    n >= maxAttempts
                        ? Mono.error(
                            ApiException.conflict(
                                "The " + what + " is changing concurrently; retry the request"))
                        : reread
                            .apply(read)
                            .flatMap(
                                fresh -> round(fresh, attempt, reread, maxAttempts, what, n + 1))));
  }
}
