package io.beamline.ipc.gateway.config;

import java.time.Duration;

/**
 * Streamed task output: how long a silent stream may wait, what one slow client may have waiting, and what
 * is kept for a client that comes back (STREAM_SUBSCRIBE) and for how long after the end.
 */
public record StreamsConfig(Duration idleTimeout, int maxBufferedBytes, int replayBytes, Duration replayTtl) {

    public static final StreamsConfig DEFAULTS = new StreamsConfig(Duration.ofSeconds(30), 1024 * 1024, 256 * 1024,
            Duration.ofMinutes(1));

    public StreamsConfig {
        if (idleTimeout.isNegative() || idleTimeout.isZero() || maxBufferedBytes < 1 || replayBytes < 0
                || replayTtl.isNegative()) {
            throw new IllegalArgumentException("invalid streams config: " + idleTimeout + ", " + maxBufferedBytes
                    + ", " + replayBytes + ", " + replayTtl);
        }
    }
}
