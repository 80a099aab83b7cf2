package io.beamline.ipc.gateway.config;

import java.time.Duration;

/**
 * Polling the Router's backpressure status.
 *
 * @param pollInterval between the end of one poll and the next; {@link Duration#ZERO} = never poll
 * @param subject      the Router's status subject
 * @param timeout      how long a poll waits for the answer; no answer = status unknown
 * @param activePollsBeforeBreaker the breaker opens after more than this many consecutive {@code active} polls
 */
public record BackpressureConfig(Duration pollInterval, String subject, Duration timeout,
                                 int activePollsBeforeBreaker) {

    public static final BackpressureConfig DEFAULT = new BackpressureConfig(Duration.ofSeconds(5),
            "beamline.router.v2.status.backpressure", Duration.ofSeconds(1), 3);

    public boolean enabled() {
        return !pollInterval.isZero();
    }
}
