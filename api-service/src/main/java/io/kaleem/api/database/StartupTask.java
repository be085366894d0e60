package io.kaleem.api.database;

import reactor.core.publisher.Mono;

/**
 * Work that must finish before the API reports ready (indexes, demo data). Tasks run in
 * {@code @Order}, one after another, by {@link StartupTasks}.
 */
public interface StartupTask {
  Mono<Void> run();
}
