package io.beamline.ipc.gateway.resilience.ratelimit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand; the wall clock starts at the real one (Redis TTLs stay sensible). */
final class ManualClock implements RateLimitClock {

    private final AtomicLong monotonic = new AtomicLong(1_000_000_000L);
    private final AtomicLong wall = new AtomicLong(System.currentTimeMillis() * 1_000_000L);

    @Override
    public long monotonicNanos() {
        return monotonic.get();
    }

    @Override
    public long wallClockNanos() {
        return wall.get();
    }

    void advance(Duration d) {
        monotonic.addAndGet(d.toNanos());
        wall.addAndGet(d.toNanos());
    }
}
