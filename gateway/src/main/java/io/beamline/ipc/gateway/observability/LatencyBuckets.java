package io.beamline.ipc.gateway.observability;

import java.time.Duration;

/**
 * The histogram buckets of the gateway's timers: explicit service-level objectives, not Micrometer's
 * percentile histogram. A fixed list keeps each timer series at a known size (the bucket count plus
 * {@code +Inf}, {@code _count}, {@code _sum}) and puts the edges where a local gateway's answers fall: half a
 * millisecond for the gateway's own answers up to {@code router.max_timeout_ms}'s default of 30 s. The
 * percentile histogram would export about 70 buckets per series between the same bounds.
 * docs/operations/metrics.md lists them.
 */
public final class LatencyBuckets {

    private static final Duration[] REQUEST = {
        Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2_500),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)
    };

    /** Streams run for as long as the task produces output: seconds to many minutes. */
    private static final Duration[] STREAM = {
        Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2_500),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1),
        Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1)
    };

    private LatencyBuckets() {
    }

    /** Requests: an IPC request to its answer, a Router request to its reply. */
    public static Duration[] request() {
        return REQUEST.clone();
    }

    /** A stream from its opening to its end. */
    public static Duration[] stream() {
        return STREAM.clone();
    }
}
