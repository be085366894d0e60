package io.kaleem.api.web;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long and how much one HTTP connection may hold the server (docs/SECURITY.md, "Connections").
 *
 * @param idleTimeout a keep-alive connection with no request in progress and nothing read for this
 *     long is closed
 * @param requestHeaderTimeout the whole request line and headers must arrive within this time of
 *     the connection being ready for a request; a client that sends one header line per second
 *     ("slowloris") is cut off here
 * @param requestReadTimeout the longest pause between two reads of a request body
 * @param maxKeepAliveRequests requests served on one connection before it is closed
 */
@ConfigurationProperties("kaleem.http")
public record ConnectionProperties(
    @DefaultValue("60s") Duration idleTimeout,
    @DefaultValue("10s") Duration requestHeaderTimeout,
    @DefaultValue("10s") Duration requestReadTimeout,
    @DefaultValue("1000") int maxKeepAliveRequests) {}
