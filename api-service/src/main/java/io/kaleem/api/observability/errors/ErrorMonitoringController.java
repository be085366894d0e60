package io.kaleem.api.observability.errors;

import io.kaleem.api.errors.ApiException;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /monitoring/errors/*}: what went wrong recently on this replica. Platform admins only: the
 * route policy ({@code security/AccessPolicy}) refuses every other role, as it does for every route
 * it does not name.
 */
@RestController
@RequestMapping("/monitoring/errors")
class ErrorMonitoringController {

  static final int MAX_LIMIT = 1000;

  private final ErrorLog log;

  ErrorMonitoringController(ErrorLog log) {
    this.log = log;
  }

  /** The last {@code limit} errors (default 50), newest first. */
  @GetMapping("/recent")
  Map<String, Object> recent(@RequestParam(defaultValue = "50") String limit) {
    int n;
    try {
      n = Integer.parseInt(limit);
    } catch (NumberFormatException e) {
      throw ApiException.invalidField("limit", "must be a whole number from 1 to " + MAX_LIMIT);
    }
    if (n < 1 || n > MAX_LIMIT) {
      throw ApiException.invalidField("limit", "must be a whole number from 1 to " + MAX_LIMIT);
    }
    List<ErrorLog.Entry> items = log.recent(n);
    return Map.of("capacity", log.capacity(), "items", items);
  }

  /** Errors grouped by problem type and route since the replica started. */
  @GetMapping("/summary")
  Map<String, Object> summary() {
    List<ErrorLog.Group> groups = log.summary();
    long total = groups.stream().mapToLong(ErrorLog.Group::count).sum();
    return Map.of("total", total, "groups", groups);
  }
}
