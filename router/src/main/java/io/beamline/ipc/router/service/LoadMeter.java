package io.beamline.ipc.router.service;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * What the backpressure status reports about the decide endpoint: requests being handled now, and the p95
 * of the handling time over the most recent requests (a fixed window, so memory stays constant).
 */
final class LoadMeter {

    private static final int WINDOW = 1024;

    private final AtomicInteger inflight = new AtomicInteger();
    private final long[] latenciesNanos = new long[WINDOW];
    private final LongSupplier nanoTime;
    private int next;
    private int filled;

    LoadMeter(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** Call when handling starts; pass the result to {@link #finished(long)}. */
    long started() {
        inflight.incrementAndGet();
        return nanoTime.getAsLong();
    }

    void finished(long startedAt) {
        long took = nanoTime.getAsLong() - startedAt;
        inflight.decrementAndGet();
        synchronized (latenciesNanos) {
            latenciesNanos[next] = took;
            next = (next + 1) % WINDOW;
            filled = Math.min(filled + 1, WINDOW);
        }
    }

    int inflight() {
        return inflight.get();
    }

    /** p95 in whole milliseconds (rounded up, so any nonzero latency shows), 0 before the first request. */
    long p95Millis() {
        long[] copy;
        synchronized (latenciesNanos) {
            copy = Arrays.copyOf(latenciesNanos, filled);
        }
        if (copy.length == 0) {
            return 0;
        }
        Arrays.sort(copy);
        long p95 = copy[(int) Math.ceil(copy.length * 0.95) - 1];
        return (p95 + 999_999) / 1_000_000;
    }
}
