package io.beamline.ipc.gateway.config;

import java.time.Duration;

/**
 * Streamed task output: how long a silent stream may wait, what one slow client may have waiting, how many
 * run at once, and what is kept for a client that comes back (STREAM_SUBSCRIBE), for how long after the end
 * and for how many ended streams: memory stays bounded by these.
 */
public record StreamsConfig(Duration idleTimeout, int maxBufferedBytes, int maxRunning, int replayBytes,
                            Duration replayTtl, int replayMaxEnded) {

    public static final StreamsConfig DEFAULTS = new StreamsConfig(Duration.ofSeconds(30), 1024 * 1024, 1000,
            64 * 1024, Duration.ofMinutes(1), 256);

    public StreamsConfig {
        if (idleTimeout.isNegative() || idleTimeout.isZero() || maxBufferedBytes < 1 || maxRunning < 1
                || replayBytes < 0 || replayTtl.isNegative() || replayMaxEnded < 0) {
            throw new IllegalArgumentException("invalid streams config: " + idleTimeout + ", " + maxBufferedBytes
                    + ", " + maxRunning + ", " + replayBytes + ", " + replayTtl + ", " + replayMaxEnded);
        }
    }
}
