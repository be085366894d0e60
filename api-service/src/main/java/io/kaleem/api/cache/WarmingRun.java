package io.kaleem.api.cache;

import java.time.Instant;

/**
 * One warming run as this instance saw it.
 *
 * @param tick the schedule tick it was for (null for a start-up or requested run)
 * @param trigger scheduled, startup or requested
 * @param result completed, cut (stopped at {@code max-duration}), skipped (another replica holds
 *     this tick's lease) or failed
 * @param keys entries loaded
 * @param errors loads that failed (the run goes on)
 * @param durationMillis how long it ran
 * @param shared whether the lease was taken in Redis (false: Redis away, this instance warmed only
 *     itself)
 */
public record WarmingRun(
    Instant tick,
    String trigger,
    String result,
    long keys,
    long errors,
    long durationMillis,
    boolean shared,
    String instance) {}
