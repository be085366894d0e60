package io.kaleem.api.database;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/**
 * Runs every {@link StartupTask} in order before the application reports ready: Boot publishes
 * readiness only after all runners return, so no request meets a database without its indexes.
 */
@Component
class StartupTasks implements ApplicationRunner {

  private final List<StartupTask> tasks;

  StartupTasks(List<StartupTask> tasks) {
    this.tasks = tasks;
  }

  @Override
  public void run(ApplicationArguments args) {
    Flux.fromIterable(tasks).concatMap(StartupTask::run).then().block(Duration.ofMinutes(5));
  }
}
