package io.beamline.ipc.gateway.ipc;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * A WARN line at most once per interval; the lines left out in between are counted into the next one. A storm
 * of refused connections must not flood the log (or the disk under it), yet must still be seen.
 */
final class ThrottledWarning {

    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong nextAt;
    private final AtomicLong suppressed = new AtomicLong();
    private final LongSupplier nanoTime;

    ThrottledWarning(Logger log, Duration interval) {
        this(log, interval, System::nanoTime);
    }

    /** With a clock of its own, for tests. */
    ThrottledWarning(Logger log, Duration interval, LongSupplier nanoTime) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
        this.nextAt = new AtomicLong(nanoTime.getAsLong());
    }

    /** Logs {@code message} (an SLF4J pattern) unless a line was logged less than an interval ago. */
    void warn(String message, Object... args) {
        long now = nanoTime.getAsLong();
        long next = nextAt.get();
        if (now - next < 0 || !nextAt.compareAndSet(next, now + intervalNanos)) {
            suppressed.incrementAndGet();
            return;
        }
        long left = suppressed.getAndSet(0);
        if (left > 0) {
            log.warn(message + " ({} more like it since the last one, not logged)", append(args, left));
        } else {
            log.warn(message, args);
        }
    }

    private static Object[] append(Object[] args, Object... more) {
        Object[] all = new Object[args.length + more.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }
}
