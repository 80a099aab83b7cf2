package io.beamline.ipc.gateway.config;

import java.time.Duration;

/**
 * The circuit breaker around Router calls: a count-based window of the last {@code windowSize} submits;
 * once at least {@code minimumCalls} are in it and {@code failureRatePercent} of them failed, it opens for
 * {@code openDuration}, then lets {@code halfOpenCalls} probes through. For {@code reconnectGrace} after a
 * NATS connection comes back, transport failures (no responders: the Router is still reconnecting) do not
 * count.
 */
public record BreakerConfig(int windowSize, int minimumCalls, int failureRatePercent, Duration openDuration,
                            int halfOpenCalls, Duration reconnectGrace) {

    /** Defaults fit for bursty local traffic (see GatewaySettings). */
    public static final BreakerConfig DEFAULT = new BreakerConfig(20, 10, 50, Duration.ofSeconds(5), 3,
            Duration.ofSeconds(1));
}
