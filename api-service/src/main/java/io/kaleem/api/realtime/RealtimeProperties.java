package io.kaleem.api.realtime;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The WebSocket gateway's limits (docs/REALTIME.md).
 *
 * @param maxConnectionsPerUser open sessions one user may hold on this replica; one more is closed
 *     with 1008
 * @param maxMessageBytes largest frame or message a client may send; larger closes the session
 *     (1009)
 * @param sendBuffer messages queued for one session; a client that lets it fill is too slow and is
 *     disconnected (1008), so a stalled client costs at most this much memory
 * @param heartbeat how often the server pings; browsers answer with a pong
 * @param idleTimeout a session from which nothing (pong included) arrives for this long is closed
 * @param authTimeout how long a session without an Authorization header has to send its auth
 *     message
 */
@ConfigurationProperties("kaleem.realtime")
public record RealtimeProperties(
    @DefaultValue("5") int maxConnectionsPerUser,
    @DefaultValue("4096") int maxMessageBytes,
    @DefaultValue("256") int sendBuffer,
    @DefaultValue("20s") Duration heartbeat,
    @DefaultValue("60s") Duration idleTimeout,
    @DefaultValue("10s") Duration authTimeout) {}
