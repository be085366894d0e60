package io.kaleem.api.messaging;

import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Admin API for the consumers' dead-letter queues (platform admins only: every {@code /admin} route
 * is, by the route policy's default). Broker calls block, so they run off the event loop.
 */
@RestController
@RequestMapping("/admin/messaging/dead-letters")
class DeadLetterController {

  private final DeadLetters deadLetters;

  DeadLetterController(DeadLetters deadLetters) {
    this.deadLetters = deadLetters;
  }

  @GetMapping
  Mono<List<DeadLetters.QueueState>> queues() {
    return Mono.fromCallable(deadLetters::states).subscribeOn(Schedulers.boundedElastic());
  }

  @GetMapping("/{consumer}")
  Mono<List<DeadLetters.DeadLetter>> peek(
      @PathVariable String consumer, @RequestParam(defaultValue = "20") int limit) {
    return Mono.fromCallable(() -> deadLetters.peek(consumer, limit))
        .subscribeOn(Schedulers.boundedElastic());
  }

  @PostMapping("/{consumer}/replay")
  Mono<Map<String, Integer>> replay(
      @PathVariable String consumer, @RequestParam(defaultValue = "100") int limit) {
    return Mono.fromCallable(() -> Map.of("replayed", deadLetters.replay(consumer, limit)))
        .subscribeOn(Schedulers.boundedElastic());
  }
}
