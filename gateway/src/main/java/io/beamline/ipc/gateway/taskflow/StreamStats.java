package io.beamline.ipc.gateway.taskflow;

import io.beamline.ipc.gateway.observability.LatencyBuckets;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the streams did, counted as it happens (a chunk costs two adds): streams opened, chunks and bytes the
 * Router sent into them, and each stream's duration by how it ended. The duration timers exist for every
 * end status from the moment {@link StreamMetrics} binds them (a fixed set of seven); before that, ends are
 * not timed.
 */
final class StreamStats {

    /** A stream whose submit got no decision: it never started (the submit's answer says why). */
    static final String ABANDONED = "abandoned";

    private final LongAdder opened = new LongAdder();
    private final LongAdder chunks = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    /** [status ordinal, or the last slot for abandoned]; null until bound */
    private volatile Timer[] durations;

    void opened() {
        opened.increment();
    }

    void chunk(int size) {
        chunks.increment();
        bytes.add(size);
    }

    /** @param status how it ended, {@code null} for a stream abandoned before it started */
    void ended(RoutedStream.Status status, long nanos) {
        Timer[] t = durations;
        if (t != null) {
            t[status == null ? t.length - 1 : status.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    long openedCount() {
        return opened.sum();
    }

    long chunkCount() {
        return chunks.sum();
    }

    long byteCount() {
        return bytes.sum();
    }

    void bindTo(MeterRegistry registry) {
        RoutedStream.Status[] statuses = RoutedStream.Status.values();
        Timer[] t = new Timer[statuses.length + 1];
        for (RoutedStream.Status s : statuses) {
            t[s.ordinal()] = timer(registry, s.wire());
        }
        t[statuses.length] = timer(registry, ABANDONED);
        durations = t;
    }

    private static Timer timer(MeterRegistry registry, String status) {
        return Timer.builder("streams.duration")
                .description("streams from their opening to their end, by end status (the count is the streams ended)")
                .tag("status", status).serviceLevelObjectives(LatencyBuckets.stream()).register(registry);
    }
}
