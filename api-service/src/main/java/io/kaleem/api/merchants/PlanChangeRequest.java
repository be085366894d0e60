package io.kaleem.api.merchants;

import java.time.Instant;

/**
 * An owner's request to move to another plan, kept on the merchant until billing acts on it: the
 * owner never changes the subscription itself (that is the billing integration's, as a platform
 * admin).
 *
 * @param planId the active plan asked for
 * @param requestedBy the user who asked
 * @param requestedAt when
 */
public record PlanChangeRequest(String planId, String requestedBy, Instant requestedAt) {}
