package io.beamline.ipc.gateway.ipc;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The bytes all connections together hold in the gateway (partial frames being accumulated and answers queued
 * for writing), against {@code ipc.max_buffered_bytes}. Past the budget a connection that holds such bytes is
 * not read ({@link ReadGate} asks {@link #mayRead}) until the total drains to the resume mark; a connection that
 * holds none is still read, so small requests keep being served. Work is never dropped: reading only waits.
 *
 * <p>Only reading more can complete a partial frame, and only a completed frame frees its bytes. So that partial
 * frames filling the budget cannot wait for each other for ever, one connection at a time may go on reading
 * until its frame is complete (the "finishing" one); then the next waiting one gets the turn. The total may
 * thus exceed the budget by one frame, plus one read per connection that held nothing when it read.
 *
 * <p>Shared by every connection, on any event loop.
 */
final class MemoryBudget {

    private final long max;
    private final long resumeAt;
    private final AtomicLong total = new AtomicLong();
    private final AtomicReference<ReadGate> finishing = new AtomicReference<>();
    private final Set<ReadGate> waiting = ConcurrentHashMap.newKeySet();
    private volatile boolean over;

    MemoryBudget(long max, long resumeAt) {
        if (resumeAt >= max || resumeAt < 0) {
            throw new IllegalArgumentException("resume mark " + resumeAt + " not below budget " + max);
        }
        this.max = max;
        this.resumeAt = resumeAt;
    }

    /** Bytes held now, over all connections. */
    long total() {
        return total.get();
    }

    /** Whether the budget is exhausted (from past the budget until drained to the resume mark). */
    boolean exhausted() {
        return over;
    }

    /** A connection's holding grew (positive) or shrank (negative). */
    void add(long delta) {
        long now = total.addAndGet(delta);
        if (over ? now <= resumeAt : now > max) {
            recheck();
        }
    }

    /*
     * Crossings are decided under the lock on the current total. "over" is set before the total is read again, so a
     * decrement that the second read misses sees "over" and comes here itself: no crossing is lost.
     */
    private void recheck() {
        boolean resumed;
        synchronized (this) {
            if (!over && total.get() > max) {
                over = true;
            }
            resumed = over && total.get() <= resumeAt;
            if (resumed) {
                over = false;
            }
        }
        if (resumed) {
            wakeWaiting();
        }
    }

    /** Whether {@code gate}'s connection may be read now; if not, it is re-asked when that may have changed. */
    boolean mayRead(ReadGate gate) {
        if (!over || gate.heldBytes() == 0) {
            return true;
        }
        if (gate.partialFrameBytes() > 0 && (finishing.get() == gate || finishing.compareAndSet(null, gate))) {
            return true;
        }
        waiting.add(gate);
        if (!over) { // resumed between the check above and joining the waiters: nobody will wake it
            waiting.remove(gate);
            return true;
        }
        return false;
    }

    /** {@code gate}'s partial frame is complete, or its connection gone: the turn to finish a frame passes on. */
    void frameDone(ReadGate gate) {
        if (finishing.compareAndSet(gate, null)) {
            wakeWaiting();
        }
    }

    /** {@code gate}'s connection is closed: it waits for nothing any more. */
    void forget(ReadGate gate) {
        waiting.remove(gate);
        frameDone(gate);
    }

    private void wakeWaiting() {
        for (ReadGate gate : waiting) {
            if (waiting.remove(gate)) {
                gate.recheckLater();
            }
        }
    }
}
