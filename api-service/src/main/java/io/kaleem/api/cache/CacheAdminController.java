package io.kaleem.api.cache;

import io.kaleem.api.errors.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The cache's admin API (platform admins only, by the route policy for {@code /admin/**}). Keys and
 * prefixes are given relative to the tenant's prefix ({@code product:<merchant>:<product>}, {@code
 * product-page:<merchant>}) and are literal: no glob reaches Redis. Emptying the whole tenant cache
 * takes the prefix {@code *} and {@code confirm=all}.
 */
@Tag(name = "cache admin", description = "Two-level cache statistics, eviction and warming")
@RestController
@RequestMapping("/admin/cache")
class CacheAdminController {

  private final TwoLevelCache cache;
  private final CacheWarmer warmer;

  CacheAdminController(TwoLevelCache cache, CacheWarmer warmer) {
    this.cache = cache;
    this.warmer = warmer;
  }

  @Operation(summary = "This instance's cache statistics and recent warming runs")
  @GetMapping("/stats")
  Map<String, Object> stats() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("cache", cache.stats());
    List<WarmingRun> runs = warmer.history();
    out.put("warming", runs.subList(0, Math.min(10, runs.size())));
    return out;
  }

  @Operation(summary = "Evict one key from L1 (every replica) and L2")
  @DeleteMapping("/keys/{key}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> evictKey(@PathVariable String key) {
    return Mono.defer(() -> cache.evictKey(key));
  }

  @Operation(summary = "Evict every key under a prefix; '*' with confirm=all empties the cache")
  @DeleteMapping("/prefixes/{prefix}")
  Mono<Map<String, Object>> evictPrefix(
      @PathVariable String prefix, @RequestParam(required = false) String confirm) {
    return Mono.defer(
        () -> {
          boolean all = prefix.equals("*");
          if (all && !"all".equals(confirm)) {
            throw ApiException.invalidField(
                "prefix", "'*' empties the whole tenant cache: add confirm=all to mean it");
          }
          return cache
              .evictPrefix(prefix, all)
              .map(n -> Map.<String, Object>of("prefix", prefix, "deletedFromL2", n))
              .onErrorMap(
                  e -> !(e instanceof ApiException),
                  e ->
                      new ApiException(
                          io.kaleem.api.errors.ProblemType.SERVICE_UNAVAILABLE,
                          "Redis did not answer; L1 was cleared on this instance only"));
        });
  }

  @Operation(summary = "Run a warming now and return its result")
  @PostMapping("/warm")
  Mono<WarmingRun> warm() {
    return warmer.runNow();
  }
}
