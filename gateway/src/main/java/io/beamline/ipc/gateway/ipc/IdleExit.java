package io.beamline.ipc.gateway.ipc;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A socket-activated gateway that no one uses stops ({@code ipc.activation_idle_exit_ms}): once no connection
 * has been open and nothing has been in flight for the idle time, it runs {@code exit} (drain, exit 0) once.
 * systemd keeps the listening socket and starts the gateway again on the next connection.
 *
 * <p>Checked a few times per idle time on an IPC event loop rather than by hooks on every connection: the
 * accepted-connections count, which only grows, shows a connection that came and went between two checks.
 */
final class IdleExit implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IdleExit.class);

    private final long idleNanos;
    private final LongSupplier nanoTime;
    private final LongSupplier accepted;
    private final BooleanSupplier busy;
    private final Runnable exit;
    private long lastAccepted;
    private long quietSince;
    private boolean fired;
    private volatile ScheduledFuture<?> checks;

    /** @param busy whether a connection is open or anything is in flight */
    IdleExit(Duration idle, LongSupplier nanoTime, LongSupplier accepted, BooleanSupplier busy, Runnable exit) {
        this.idleNanos = idle.toNanos();
        this.nanoTime = nanoTime;
        this.accepted = accepted;
        this.busy = busy;
        this.exit = exit;
        this.lastAccepted = accepted.getAsLong();
        this.quietSince = nanoTime.getAsLong();
    }

    /** How often to look: a tenth of the idle time, between 50 ms and 1 s; so the exit comes at most that late. */
    static Duration checkInterval(Duration idle) {
        long ms = Math.clamp(idle.toMillis() / 10, 50, 1000);
        return Duration.ofMillis(ms);
    }

    void scheduleOn(java.util.concurrent.ScheduledExecutorService loop, Duration interval) {
        checks = loop.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** One look; true when it decided to exit. Called on one thread at a time. */
    boolean check() {
        if (fired) {
            return false;
        }
        long now = nanoTime.getAsLong();
        long seen = accepted.getAsLong();
        if (seen != lastAccepted || busy.getAsBoolean()) {
            lastAccepted = seen;
            quietSince = now;
            return false;
        }
        if (now - quietSince < idleNanos) {
            return false;
        }
        fired = true;
        close();
        LOG.info("no connection and nothing in flight for {} ms (ipc.activation_idle_exit_ms): exiting; systemd "
                + "starts the gateway again on the next connection", idleNanos / 1_000_000);
        // Not on the event loop: the drain waits for the loops to stop.
        Thread.ofPlatform().name("activation-idle-exit").start(exit);
        return true;
    }

    @Override
    public void close() {
        ScheduledFuture<?> c = checks;
        if (c != null) {
            c.cancel(false);
        }
    }
}
